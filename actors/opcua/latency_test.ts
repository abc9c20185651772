import assert from "node:assert/strict";
import { zeroCounters } from "../../src/runtime/kit.ts";
import { LATENCY_BUCKETS, latencyQuantile, recordLatency } from "./latency.ts";

Deno.test("latency buckets count each sample once and give quantiles back", () => {
  const c = zeroCounters();
  for (const ms of [5, 10, 11, 600, 600, 700, 5000]) recordLatency(c, ms);
  assert.equal(c.change_le_10, 2);
  assert.equal(c.change_le_25, 1);
  assert.equal(c.change_le_750, 3);
  assert.equal(c.change_gt_3000, 1);
  const counts = LATENCY_BUCKETS.map((n) => c[n] ?? 0);
  assert.equal(latencyQuantile(counts, 0.5)! > 500, true);
  assert.equal(latencyQuantile(counts, 0.5)! <= 750, true);
  assert.equal(latencyQuantile([0, 0], 0.5), undefined);
});
