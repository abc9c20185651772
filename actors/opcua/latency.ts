import type { Counters } from "../../src/runtime/kit.ts";

/** Upper bounds (ms) of the change-to-sample latency buckets; a last bucket takes the rest. */
export const LATENCY_BOUNDS = [
  10,
  25,
  50,
  100,
  250,
  500,
  750,
  1000,
  1250,
  1500,
  1750,
  2000,
  2500,
  3000,
];

/** Counter names: change_le_10 … change_le_3000, change_gt_3000 (samples per bucket). */
export const LATENCY_BUCKETS = LATENCY_BOUNDS.map((b) => `change_le_${b}`).concat(
  "change_gt_3000",
);

/**
 * Counts one sample's change-to-sample latency: from the source timestamp (when the value
 * changed in the server) to the moment the device actor has it as a sample.
 */
export function recordLatency(counters: Counters, ms: number): void {
  let i = 0;
  while (i < LATENCY_BOUNDS.length && ms > LATENCY_BOUNDS[i]) i++;
  const name = LATENCY_BUCKETS[i];
  counters[name] = (counters[name] ?? 0) + 1;
}

/** Estimates a quantile (0–1) from bucket counts, linearly inside the bucket. */
export function latencyQuantile(counts: number[], q: number): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  let target = q * total;
  for (let i = 0; i < counts.length; i++) {
    if (target <= counts[i] && counts[i] > 0) {
      const lo = i === 0 ? 0 : LATENCY_BOUNDS[i - 1];
      const hi = LATENCY_BOUNDS[i] ?? LATENCY_BOUNDS[LATENCY_BOUNDS.length - 1];
      return lo + (hi - lo) * (target / counts[i]);
    }
    target -= counts[i];
  }
  return LATENCY_BOUNDS[LATENCY_BOUNDS.length - 1];
}
