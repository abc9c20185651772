import assert from "node:assert/strict";
import { ExpectedIntervals } from "./expected.ts";

Deno.test("expected intervals: patterns match device and tag; the first match wins", () => {
  const e = new ExpectedIntervals([
    { device: "press-*", tag: "temp", interval_ms: 500 },
    { device: "*", tag: "*.rate", interval_ms: 2000 },
    { device: "*", tag: "*", interval_ms: 9000 },
  ]);
  assert.equal(e.of("press-1", "temp"), 500);
  assert.equal(e.of("press-1", "flow.rate"), 2000);
  assert.equal(e.of("oven", "temp"), 9000);
  assert.equal(new ExpectedIntervals([]).of("press-1", "temp"), undefined);
});

Deno.test("expected intervals: a dot or bracket in a pattern is literal", () => {
  const e = new ExpectedIntervals([{ device: "a.b", tag: "x[1]", interval_ms: 100 }]);
  assert.equal(e.of("a.b", "x[1]"), 100);
  assert.equal(e.of("aXb", "x[1]"), undefined);
  assert.equal(e.of("a.b", "x1"), undefined);
});
