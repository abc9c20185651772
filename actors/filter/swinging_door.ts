/**
 * Swinging-door compression of one tag's numeric series: keeps a point only when the series can
 * no longer be drawn as a straight line from the last kept point within ±`deviation`, or when
 * `maxIntervalMs` has passed since it. The kept points, joined by straight lines, stay within
 * `deviation` of every input point. A point is kept one step late (the door closes on the point
 * after it); `flush` keeps the last one.
 */
export class SwingingDoor {
  #kept = false;
  #t0 = 0;
  #v0 = 0;
  #tl = 0;
  #vl = 0;
  #held = false;
  #up = Infinity;
  #down = -Infinity;

  constructor(
    readonly deviation: number,
    readonly maxIntervalMs: number,
    private readonly keep: (ts: number, value: number) => void,
  ) {}

  /** Takes the next point (times increasing); calls `keep` for the points that must stay. */
  push(ts: number, value: number): void {
    if (!this.#kept || ts <= this.#t0) return this.#restart(ts, value);
    let dt = ts - this.#t0;
    // The line from the kept point to this one must pass within the deviation of every point
    // since: its slope inside the door (the slopes all those points allow).
    const slope = (value - this.#v0) / dt;
    if (this.#held && (slope > this.#up || slope < this.#down || dt > this.maxIntervalMs)) {
      // The door closed: the last point held ends the line and starts the next one.
      this.#anchor(this.#tl, this.#vl);
      dt = ts - this.#t0;
      if (dt > this.maxIntervalMs) return this.#restart(ts, value);
    }
    this.#up = Math.min(this.#up, (value + this.deviation - this.#v0) / dt);
    this.#down = Math.max(this.#down, (value - this.deviation - this.#v0) / dt);
    this.#tl = ts;
    this.#vl = value;
    this.#held = true;
  }

  /** Keeps the last point held, if any (at the end of a series, or before a gap in it). */
  flush(): void {
    if (this.#held) this.#anchor(this.#tl, this.#vl);
  }

  /** Forgets the series: the next point starts a new one (after a bad value, say). */
  reset(): void {
    this.#kept = false;
    this.#held = false;
  }

  #restart(ts: number, value: number): void {
    this.flush();
    this.#anchor(ts, value);
  }

  #anchor(ts: number, value: number): void {
    this.keep(ts, value);
    this.#kept = true;
    this.#held = false;
    this.#t0 = ts;
    this.#v0 = value;
    this.#up = Infinity;
    this.#down = -Infinity;
  }
}
