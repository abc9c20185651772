import assert from "node:assert/strict";
import { zeroCounters } from "./messages.ts";
import { LAG_BUCKETS, lagQuantile, recordLag } from "./lag_histogram.ts";

Deno.test("lags land in their bucket: (previous bound, bound]", () => {
  const c = zeroCounters();
  for (const lag of [0, 0.5, 0.51, 1, 4.9, 5, 5.1, 999, 1000, 5000]) recordLag(c, lag);
  assert.equal(c.lag_le_0_5, 2);
  assert.equal(c.lag_le_1, 2);
  assert.equal(c.lag_le_5, 2);
  assert.equal(c.lag_le_7_5, 1);
  assert.equal(c.lag_le_1000, 2);
  assert.equal(c.lag_gt_1000, 1);
  assert.equal(LAG_BUCKETS.reduce((n, b) => n + (c[b] ?? 0), 0), 10);
});

Deno.test("quantiles interpolate inside the bucket", () => {
  const c = zeroCounters();
  for (let i = 0; i < 99; i++) recordLag(c, 0.2);
  recordLag(c, 8);
  assert.ok(lagQuantile(c, 0.5)! <= 0.5);
  assert.ok(lagQuantile(c, 0.99)! <= 0.5);
  assert.ok(lagQuantile(c, 1)! > 7.5 && lagQuantile(c, 1)! <= 10);
  assert.equal(lagQuantile(zeroCounters(), 0.5), undefined);
});
