import assert from "node:assert/strict";
import { quantile, slopePerHour, split } from "./stats.ts";

Deno.test("slopePerHour: a line's slope per hour, 0 for a flat series", () => {
  assert.equal(slopePerHour([[0, 100], [1800, 101], [3600, 102]]), 2);
  assert.equal(slopePerHour([[0, 5], [10, 5], [20, 5]]), 0);
  assert.ok(Number.isNaN(slopePerHour([[0, 1]])));
});

Deno.test("quantile of an unsorted list", () => {
  assert.equal(quantile([3, 1, 2, 4], 0.5), 3);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

Deno.test("split: shares that add up to the total, the larger first", () => {
  assert.deepEqual(split(100_000, 4), [25_000, 25_000, 25_000, 25_000]);
  assert.deepEqual(split(10, 4), [3, 3, 3, 1]);
  assert.deepEqual(split(10_000, 1), [10_000]);
});
