import assert from "node:assert/strict";
import { matches, retainRule } from "./retain.ts";

Deno.test("topic filters: + one level, # the rest (and the parent), literal levels exact", () => {
  assert.ok(matches("plant/+/temperature", "plant/press1/temperature"));
  assert.ok(!matches("plant/+/temperature", "plant/press1/oven/temperature"));
  assert.ok(matches("plant/#", "plant/press1/oven/temperature"));
  assert.ok(matches("plant/#", "plant"));
  assert.ok(!matches("plant/press1", "plant/press1/temperature"));
  assert.ok(!matches("plant/press1/temperature/x", "plant/press1/temperature"));
});

Deno.test("retain rule: all, none, or the families the filters name", () => {
  assert.equal(retainRule(true)("a/b"), true);
  assert.equal(retainRule(false)("a/b"), false);
  const rule = retainRule(["site/+/+/temperature", "site/line1/#"]);
  assert.equal(rule("site/line2/press/temperature"), true);
  assert.equal(rule("site/line2/press/humidity"), false);
  assert.equal(rule("site/line1/press/humidity"), true);
  assert.equal(rule("site/line2/press/humidity"), false, "the same answer from the cache");
});
