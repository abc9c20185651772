/**
 * An exponentially weighted mean and variance of one series; a value's anomaly score is how many
 * standard deviations it lies from the mean before it (|z|). The first `warmup` values only
 * teach it: their score is 0.
 */
export class EwmaDetector {
  #n = 0;
  #mean = 0;
  #var = 0;

  constructor(readonly alpha: number, readonly warmup: number) {
    if (!(alpha > 0 && alpha <= 1)) throw new Error(`ewma: alpha ${alpha} must be in (0, 1]`);
  }

  /** The score of `x`, then learns it. */
  score(x: number): number {
    const d = x - this.#mean;
    const z = this.#n >= this.warmup && this.#var > 0 ? Math.abs(d) / Math.sqrt(this.#var) : 0;
    if (this.#n === 0) this.#mean = x;
    else {
      this.#mean += this.alpha * d;
      this.#var = (1 - this.alpha) * (this.#var + this.alpha * d * d);
    }
    this.#n++;
    return z;
  }
}

/** 1.4826 × MAD estimates the standard deviation of normally distributed data. */
const MAD_SCALE = 1.4826;

function median(sorted: number[]): number {
  const n = sorted.length, m = n >> 1;
  return n % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/**
 * A rolling median and median absolute deviation over the last `window` values; a value's score
 * is its distance from the median in robust standard deviations (1.4826 × MAD), so a few
 * outliers in the window do not hide the next. Score 0 until `warmup` values were seen.
 */
export class MadDetector {
  #values: number[] = [];

  constructor(readonly window: number, readonly warmup: number) {
    if (!(window >= 3)) throw new Error(`mad: window ${window} must be at least 3`);
  }

  score(x: number): number {
    let z = 0;
    if (this.#values.length >= Math.max(this.warmup, 3)) {
      const sorted = [...this.#values].sort((a, b) => a - b);
      const med = median(sorted);
      const mad = median(sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b));
      z = mad > 0 ? Math.abs(x - med) / (MAD_SCALE * mad) : x === med ? 0 : Infinity;
    }
    this.#values.push(x);
    if (this.#values.length > this.window) this.#values.shift();
    return z;
  }
}
