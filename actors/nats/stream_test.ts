import assert from "node:assert/strict";
import { covers } from "./stream.ts";

Deno.test("a stream's subject filter covers the sink's prefix, or the sink refuses it", () => {
  assert.ok(covers("uns.>", "uns"));
  assert.ok(covers(">", "uns"));
  assert.ok(covers("plant.*.>", "plant.a"));
  assert.ok(!covers("uns.*", "uns"), "one token only: deeper UNS paths would be refused");
  assert.ok(!covers("other.>", "uns"));
  assert.ok(!covers("uns", "uns"));
});
