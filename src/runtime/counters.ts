/** Counters an actor keeps; kinds may add their own (overruns, reconnects…). */
export interface Counters {
  samples_in: number;
  samples_out: number;
  errors: number;
  dropped: number;
  [name: string]: number;
}

/** A fresh set of zeroed counters. */
export function zeroCounters(): Counters {
  return { samples_in: 0, samples_out: 0, errors: 0, dropped: 0 };
}

/** Adds every counter of `more` into `into`; returns `into`. */
export function addCounters(into: Counters, more: Counters): Counters {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}
