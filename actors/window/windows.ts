import { Quality } from "../../src/model/sample.ts";

/** Window settings: length, step (hopping when shorter than the length), lateness allowed. */
export interface WindowOptions {
  sizeMs: number;
  /** Default: `sizeMs` (tumbling windows). */
  hopMs?: number;
  /** How long after a window's end its samples may still come (later ones are counted late). */
  graceMs: number;
  /** Good samples a window needs to be good itself; default 1. */
  minGood?: number;
}

/** What a closed window of one tag says. */
export interface WindowResult {
  tag: number;
  start: number;
  end: number;
  /** Good samples in the window. */
  count: number;
  /** Samples of any quality. */
  samples: number;
  min: number;
  max: number;
  sum: number;
  mean: number;
  first: number;
  last: number;
  /** Population standard deviation. */
  stddev: number;
  /** Time-weighted mean: each value held until the next one (the first from the window's start). */
  twa: number;
  quality: number;
  reason?: string;
}

/** The good samples of one tag in one window, in time order. */
class Acc {
  ts: number[] = [];
  v: number[] = [];
  samples = 0;

  add(ts: number, value: number, good: boolean): void {
    this.samples++;
    if (!good) return;
    // Samples come mostly in order: insert from the back.
    let i = this.ts.length;
    while (i > 0 && this.ts[i - 1] > ts) i--;
    this.ts.splice(i, 0, ts);
    this.v.splice(i, 0, value);
  }
}

/**
 * Tumbling or hopping windows aligned to the wall clock (a window starts at a multiple of the
 * hop), per tag: count, min, max, sum, mean, first, last, standard deviation and time-weighted
 * mean of the good samples, and the window's quality (bad, with the reason, with fewer than
 * `minGood` good samples). A window closes once `graceMs` passed after its end, by the newest
 * sample time or the clock (`advance`); a sample for a closed window is counted in `late`.
 */
export class Windows {
  readonly hopMs: number;
  /** Samples that came after their window closed. */
  late = 0;
  readonly #open = new Map<number, Map<number, Acc>>();
  /** Windows of each tag up to this start are closed. */
  readonly #closedUpTo = new Map<number, number>();
  #watermark = -Infinity;
  /** The soonest time a window may close: no need to look before. */
  #nextDue = Infinity;

  constructor(readonly opts: WindowOptions, private readonly emit: (r: WindowResult) => void) {
    this.hopMs = opts.hopMs ?? opts.sizeMs;
    if (!(opts.sizeMs > 0) || !(this.hopMs > 0) || this.hopMs > opts.sizeMs) {
      throw new Error(`windows: size ${opts.sizeMs} ms and hop ${this.hopMs} ms (0 < hop ≤ size)`);
    }
  }

  /** Adds a sample to every window of its tag that holds its time. */
  push(tag: number, ts: number, value: number, quality: number): void {
    const good = quality !== Quality.bad && Number.isFinite(value);
    let windows = this.#open.get(tag);
    if (!windows) this.#open.set(tag, windows = new Map());
    const closed = this.#closedUpTo.get(tag) ?? -Infinity;
    const { sizeMs } = this.opts;
    let counted = false;
    for (
      let start = Math.floor(ts / this.hopMs) * this.hopMs;
      start > ts - sizeMs;
      start -= this.hopMs
    ) {
      if (start <= closed) continue;
      let acc = windows.get(start);
      if (!acc) {
        windows.set(start, acc = new Acc());
        this.#nextDue = Math.min(this.#nextDue, start + sizeMs + this.opts.graceMs);
      }
      acc.add(ts, value, good);
      counted = true;
    }
    if (!counted) this.late++;
    if (ts > this.#watermark) {
      this.#watermark = ts;
      if (ts >= this.#nextDue) this.advance(ts);
    }
  }

  /** Closes (emits) the windows that ended at least `graceMs` before `now`, oldest first. */
  advance(now: number): void {
    const horizon = now - this.opts.graceMs;
    let nextDue = Infinity;
    for (const [tag, windows] of this.#open) {
      const ready = [...windows.keys()].filter((s) => s + this.opts.sizeMs <= horizon).sort((
        a,
        b,
      ) => a - b);
      for (const start of ready) {
        this.emit(this.#result(tag, start, windows.get(start)!));
        windows.delete(start);
        this.#closedUpTo.set(tag, Math.max(this.#closedUpTo.get(tag) ?? -Infinity, start));
      }
      for (const start of windows.keys()) {
        nextDue = Math.min(nextDue, start + this.opts.sizeMs + this.opts.graceMs);
      }
    }
    this.#nextDue = nextDue;
  }

  #result(tag: number, start: number, acc: Acc): WindowResult {
    const end = start + this.opts.sizeMs;
    const { ts, v } = acc;
    const n = v.length;
    let min = Infinity, max = -Infinity, sum = 0, mean = 0, m2 = 0, area = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (x < min) min = x;
      if (x > max) max = x;
      sum += x;
      const d = x - mean;
      mean += d / (i + 1);
      m2 += d * (x - mean);
      const from = i === 0 ? start : ts[i];
      const to = i + 1 < n ? ts[i + 1] : end;
      area += x * (to - from);
    }
    const minGood = this.opts.minGood ?? 1;
    const r: WindowResult = {
      tag,
      start,
      end,
      count: n,
      samples: acc.samples,
      min: n ? min : NaN,
      max: n ? max : NaN,
      sum,
      mean: n ? mean : NaN,
      first: n ? v[0] : NaN,
      last: n ? v[n - 1] : NaN,
      stddev: n ? Math.sqrt(m2 / n) : NaN,
      twa: n ? area / (end - start) : NaN,
      quality: n >= minGood ? Quality.good : Quality.bad,
    };
    if (n < minGood) r.reason = `${n} good samples in the window, fewer than ${minGood}`;
    return r;
  }
}
