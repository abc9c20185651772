/** A token bucket: `perSecond` tokens a second, holding at most `burst`. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly perSecond: number,
    readonly burst = Math.max(1, perSecond),
    private readonly now = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes a token if there is one; false (nothing taken) when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Command rate limits: one bucket for everything, and one per key (a device's tag). */
export class RateLimits {
  #global: TokenBucket;
  #perKey = new Map<string, TokenBucket>();

  constructor(
    private readonly perKeyPerSecond: number,
    globalPerSecond: number,
    private readonly now = () => performance.now(),
  ) {
    this.#global = new TokenBucket(globalPerSecond, Math.max(1, globalPerSecond), now);
  }

  /** Why a command on `key` must wait ("tag" or "global"), or undefined when it may go. */
  refuse(key: string): "tag" | "global" | undefined {
    let bucket = this.#perKey.get(key);
    if (!bucket) {
      this.#perKey.set(
        key,
        bucket = new TokenBucket(this.perKeyPerSecond, Math.max(1, this.perKeyPerSecond), this.now),
      );
    }
    if (!bucket.take()) return "tag";
    return this.#global.take() ? undefined : "global";
  }
}
