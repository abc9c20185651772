/** Settings of an exponential backoff. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
  /** Fraction of each delay taken off at random (0 = none, 1 = full jitter); default 0.3. */
  jitter?: number;
}

/** Exponential backoff with jitter; a delay never exceeds maxMs. */
export class Backoff {
  #attempt = 0;
  constructor(readonly options: BackoffOptions, private readonly random = Math.random) {}

  /** Attempts made since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt; each call counts one attempt. */
  next(): number {
    const { initialMs, maxMs, factor = 2, jitter = 0.3 } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** this.#attempt++);
    return Math.round(base * (1 - jitter * this.random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
