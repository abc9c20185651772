/** When a value is news: a change beyond the deadband, a new quality, or a heartbeat due. */
export interface ExceptionOptions {
  /** A change larger than this (in the tag's unit) is news. */
  absolute?: number;
  /** …or larger than this share of the last value sent, in percent. */
  percent?: number;
  /** Send the value anyway after this long without one (the heartbeat). */
  heartbeatMs?: number;
}

/**
 * Report by exception with a deadband and a heartbeat, per tag (by index): a value goes on when
 * it is the tag's first, its quality differs from the last sent, it moved beyond the deadband
 * from the last value sent (not the last seen, so a slow drift is still reported), or the
 * heartbeat is due. Without a deadband any change is news.
 */
export class ExceptionFilter {
  #value = new Float64Array(0);
  #ts = new Float64Array(0);
  #quality = new Uint8Array(0);
  #seen = new Uint8Array(0);
  #text: (string | undefined)[] = [];

  constructor(readonly opts: ExceptionOptions) {}

  /** True when the sample goes on (and it becomes the tag's last sent). */
  pass(tag: number, ts: number, value: number, quality: number, text?: string): boolean {
    if (tag >= this.#seen.length) this.#grow(tag);
    const send = this.#seen[tag] === 0 || quality !== this.#quality[tag] ||
      (this.opts.heartbeatMs !== undefined && ts - this.#ts[tag] >= this.opts.heartbeatMs) ||
      (text !== undefined ? text !== this.#text[tag] : this.#moved(this.#value[tag], value));
    if (!send) return false;
    this.#seen[tag] = 1;
    this.#value[tag] = value;
    this.#ts[tag] = ts;
    this.#quality[tag] = quality;
    this.#text[tag] = text;
    return true;
  }

  #moved(last: number, value: number): boolean {
    if (Number.isNaN(last) || Number.isNaN(value)) {
      return !(Number.isNaN(last) && Number.isNaN(value));
    }
    const d = Math.abs(value - last);
    const { absolute, percent } = this.opts;
    if (absolute === undefined && percent === undefined) return d > 0;
    return (absolute !== undefined && d > absolute) ||
      (percent !== undefined && d > Math.abs(last) * percent / 100);
  }

  #grow(tag: number): void {
    const n = Math.max(16, (tag + 1) * 2);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.#value = f64(this.#value);
    this.#ts = f64(this.#ts);
    this.#quality = u8(this.#quality);
    this.#seen = u8(this.#seen);
  }
}

/** A value outside [min, max] is bad, with the reason; `undefined` when it is inside. */
export function outOfRange(value: number, min: number, max: number): string | undefined {
  return value < min || value > max ? `${value} outside the range [${min}, ${max}]` : undefined;
}

/**
 * A value that moved faster than `maxPerSecond` from the sample before it (a spike, a wrong
 * read) is flagged uncertain with the reason; `undefined` when the rate is within the limit.
 */
export function tooFast(
  prevTs: number,
  prevValue: number,
  ts: number,
  value: number,
  maxPerSecond: number,
): string | undefined {
  if (!(ts > prevTs) || Number.isNaN(prevValue)) return undefined;
  const rate = Math.abs(value - prevValue) / ((ts - prevTs) / 1000);
  return rate > maxPerSecond
    ? `changing ${+rate.toPrecision(3)}/s, faster than the limit ${maxPerSecond}/s`
    : undefined;
}
