/** Counters an actor keeps; kinds may add their own (overruns, reconnects…). */
export interface Counters {
  samples_in: number;
  samples_out: number;
  errors: number;
  dropped: number;
  [name: string]: number;
}

/**
 * Counters that say how things are now rather than how many happened: a run's last value stands
 * (runs do not add up) and /metrics shows them as gauges.
 */
export const GAUGES: ReadonlySet<string> = new Set([
  "queue_depth",
  "queued_samples",
  "poll_lag_ms",
  "batch_latency_ms",
  "buffer_bytes",
  "buffer_records",
  "buffer_oldest_ms",
  "disk_full",
  "history_bytes",
  "consecutive_failures",
  "bad_tags",
  "stale_tags",
  "reduction_pct",
  "active_alarms",
  "good_values",
  "lag_ms",
]);

/** A fresh set of zeroed counters. */
export function zeroCounters(): Counters {
  return { samples_in: 0, samples_out: 0, errors: 0, dropped: 0 };
}

/** Adds every counter of `more` into `into` (gauges: `more`'s value stands); returns `into`. */
export function addCounters(into: Counters, more: Counters): Counters {
  for (const [k, v] of Object.entries(more)) into[k] = GAUGES.has(k) ? v : (into[k] ?? 0) + v;
  return into;
}
