import assert from "node:assert/strict";
import { Histogram, histogramsIn } from "./histogram.ts";
import { zeroCounters } from "./messages.ts";

const lag = new Histogram("lag_ms", [0.5, 1, 5, 7.5, 1000]);

Deno.test("observations land in their bucket, (previous bound, bound], each once", () => {
  const c = zeroCounters();
  for (const v of [0, 0.5, 0.51, 1, 4.9, 5, 5.1, 999, 1000, 5000]) lag.observe(c, v);
  assert.deepEqual(lag.counts(c), [2, 2, 2, 1, 2, 1]);
  assert.equal(c["lag_ms{le=0.5}"], 2);
  assert.equal(c["lag_ms{le=+Inf}"], 1);
  assert.equal(c["lag_ms{le=7.5}"], 1);
  assert.equal(c["lag_ms{sum}"], 0 + 0.5 + 0.51 + 1 + 4.9 + 5 + 5.1 + 999 + 1000 + 5000);
});

Deno.test("quantiles interpolate inside the bucket; none without observations", () => {
  const c = zeroCounters();
  for (let i = 0; i < 99; i++) lag.observe(c, 0.2);
  lag.observe(c, 6);
  const counts = lag.counts(c);
  assert.ok(lag.quantile(counts, 0.5)! <= 0.5);
  assert.ok(lag.quantile(counts, 0.99)! <= 0.5);
  assert.ok(lag.quantile(counts, 1)! > 5 && lag.quantile(counts, 1)! <= 7.5);
  assert.equal(lag.quantile(lag.counts(zeroCounters()), 0.5), undefined);
  lag.observe(c, 1e6);
  assert.equal(lag.quantile(lag.counts(c), 1), 1000, "above the last bound: the last bound");
});

Deno.test("histogramsIn: families apart from plain counters, buckets in bound order", () => {
  const c = zeroCounters();
  lag.observe(c, 3);
  new Histogram("other_ms", [10]).observe(c, 20);
  const { plain, histograms } = histogramsIn(c);
  assert.deepEqual(plain.map(([k]) => k).sort(), [
    "dropped",
    "errors",
    "samples_in",
    "samples_out",
  ]);
  assert.deepEqual(histograms.map((h) => h.name).sort(), ["lag_ms", "other_ms"]);
  const h = histograms.find((f) => f.name === "lag_ms")!;
  assert.deepEqual(h.buckets, [[5, 1]], "a bucket nothing fell in is no counter");
  assert.equal(h.sum, 3);
});
