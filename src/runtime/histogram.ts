/** The counter names of a histogram's buckets: `<name>{le=<bound>}`, the last `{le=+Inf}`. */
const BUCKET = /^([a-z][a-z0-9_]*)\{le=([^}]+)\}$/;

/**
 * A histogram kept in an actor's counters, so it crosses workers with them: one counter per
 * bucket named `<name>{le=<upper bound>}` (each observation counted in one bucket, not
 * cumulatively) and `<name>{sum}`. The API exports any such family as a Prometheus histogram;
 * quantiles are estimated by linear interpolation inside the bucket.
 */
export class Histogram {
  /** Counter names, one per bound and a last one for everything above. */
  readonly keys: readonly string[];
  readonly sumKey: string;

  constructor(readonly name: string, readonly bounds: readonly number[]) {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`Bad histogram name "${name}"`);
    this.keys = [...bounds.map((b) => `${name}{le=${b}}`), `${name}{le=+Inf}`];
    this.sumKey = `${name}{sum}`;
  }

  /**
   * Counts one observation. A bucket's counter exists once something fell in it (absent means 0):
   * a thousand actors' counters cross workers four times a second, so empty buckets stay out.
   */
  observe(counters: Record<string, number>, value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]) i++;
    const key = this.keys[i];
    counters[key] = (counters[key] ?? 0) + 1;
    counters[this.sumKey] = (counters[this.sumKey] ?? 0) + value;
  }

  /** Observations per bucket (not cumulative), from counters that hold this histogram. */
  counts(counters: Readonly<Record<string, number | undefined>>): number[] {
    return this.keys.map((k) => counters[k] ?? 0);
  }

  /** The q-quantile (0–1) of bucket counts; undefined when there are none. */
  quantile(counts: readonly number[], q: number): number | undefined {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) return undefined;
    const { bounds } = this;
    let rank = q * total;
    for (let i = 0; i < counts.length; i++) {
      if (rank <= counts[i] && counts[i] > 0) {
        if (i === bounds.length) return bounds[i - 1]; // above the last bound: no upper edge
        const lo = i === 0 ? 0 : bounds[i - 1];
        return lo + (bounds[i] - lo) * (rank / counts[i]);
      }
      rank -= counts[i];
    }
    return bounds[bounds.length - 1];
  }
}

/** One histogram family found in counters: its bucket counts by upper bound, and the sum. */
export interface HistogramFamily {
  name: string;
  /** Upper bound and count of each bucket, in bound order (Infinity last); not cumulative. */
  buckets: [number, number][];
  sum: number;
}

/** Splits counters into plain ones and the histogram families among them. */
export function histogramsIn(
  counters: Readonly<Record<string, number>>,
): { plain: [string, number][]; histograms: HistogramFamily[] } {
  const plain: [string, number][] = [];
  const families = new Map<string, HistogramFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, f = { name, buckets: [], sum: 0 });
    return f;
  };
  for (const [key, value] of Object.entries(counters)) {
    const bucket = BUCKET.exec(key);
    if (bucket) {
      const bound = bucket[2] === "+Inf" ? Infinity : Number(bucket[2]);
      family(bucket[1]).buckets.push([bound, value]);
    } else if (key.endsWith("{sum}")) family(key.slice(0, -5)).sum = value;
    else plain.push([key, value]);
  }
  for (const f of families.values()) f.buckets.sort((a, b) => a[0] - b[0]);
  return { plain, histograms: [...families.values()].filter((f) => f.buckets.length > 0) };
}

/** How late each poll started against its schedule, in ms. */
export const pollStartLag = new Histogram("poll_start_lag_ms", [
  0.5,
  1,
  1.5,
  2,
  3,
  4,
  5,
  7.5,
  10,
  20,
  50,
  100,
  250,
  1000,
]);
