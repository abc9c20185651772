import type { Counters } from "./messages.ts";

/** Upper bounds (ms) of the lag buckets; a last bucket takes everything above. */
export const LAG_BOUNDS = [0.5, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 20, 50, 100, 250, 1000];

/** Counter names of the buckets: lag_le_0_5 … lag_le_1000, lag_gt_1000 (counts per bucket). */
export const LAG_BUCKETS = LAG_BOUNDS.map((b) => `lag_le_${String(b).replace(".", "_")}`).concat(
  "lag_gt_1000",
);

/** Adds one observation to the bucket counters (not cumulative: each poll counts once). */
export function recordLag(counters: Counters, lagMs: number): void {
  let i = 0;
  while (i < LAG_BOUNDS.length && lagMs > LAG_BOUNDS[i]) i++;
  const name = LAG_BUCKETS[i];
  counters[name] = (counters[name] ?? 0) + 1;
}

/** Estimates a quantile (0–1) from bucket counts by linear interpolation inside the bucket. */
export function lagQuantile(counters: Partial<Counters>, q: number): number | undefined {
  const counts = LAG_BUCKETS.map((n) => counters[n] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  let target = q * total;
  for (let i = 0; i < counts.length; i++) {
    if (target <= counts[i] && counts[i] > 0) {
      const lo = i === 0 ? 0 : LAG_BOUNDS[i - 1];
      const hi = LAG_BOUNDS[i] ?? LAG_BOUNDS[LAG_BOUNDS.length - 1];
      return lo + (hi - lo) * (target / counts[i]);
    }
    target -= counts[i];
  }
  return LAG_BOUNDS[LAG_BOUNDS.length - 1];
}
