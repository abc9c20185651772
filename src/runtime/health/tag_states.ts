import { Quality } from "../../model/sample.ts";

const UNKNOWN = 255;

/** A tag found stale: its last value and quality, and since when nothing new came. */
export interface StaleTag {
  tag: number;
  value: number | string;
  since: number;
}

/**
 * Per tag of one device: its last quality and value, when it was last read (or known unchanged),
 * and, for tags with an expected interval, whether it went stale. Counts of tags known, bad and
 * stale are kept as they change, so judging a device never walks its tags.
 */
export class TagStates {
  // Five columns in one buffer through two views (a fleet holds one TagStates per device, and a
  // view costs about 100 bytes): value at [i], seen at [n + i] and staleAfter at [2n + i] of
  // #f64; quality at [i] and stale at [n + i] of #u8.
  #n = 0;
  #f64 = new Float64Array(0);
  #u8 = new Uint8Array(0);
  /** Texts of string tags, made on the first. */
  #text: Map<number, string> | undefined;
  #watched: number[] = [];
  known = 0;
  bad = 0;
  stale = 0;

  /** Watches a tag: with no news for `staleAfterMs`, it is stale. */
  expect(tag: number, staleAfterMs: number): void {
    this.#ensure(tag);
    const at = 2 * this.#n + tag;
    if (this.#f64[at] === 0) this.#watched.push(tag);
    this.#f64[at] = staleAfterMs;
  }

  /** A fresh reading; true when the tag was stale until now. */
  reading(tag: number, value: number | string, quality: number, now: number): boolean {
    if (tag >= this.#n) this.#ensure(tag);
    const before = this.#u8[tag];
    if (before !== quality) {
      if (before === UNKNOWN) this.known++;
      else if (before === Quality.bad) this.bad--;
      if (quality === Quality.bad) this.bad++;
      this.#u8[tag] = quality;
    }
    if (typeof value === "string") (this.#text ??= new Map()).set(tag, value);
    else {
      this.#f64[tag] = value;
      if (this.#text !== undefined) this.#text.delete(tag);
    }
    this.#f64[this.#n + tag] = now;
    return this.#clear(tag);
  }

  /** Tags known unchanged as of `now` (a subscription's keep-alive); those that were stale. */
  alive(tags: readonly number[], now: number): number[] {
    const revived: number[] = [];
    for (const tag of tags) {
      if (tag >= this.#n) continue;
      this.#f64[this.#n + tag] = now;
      if (this.#clear(tag)) revived.push(tag);
    }
    return revived;
  }

  /** The last value and quality of a tag read before. */
  last(tag: number): { value: number | string; quality: number } {
    return { value: this.#text?.get(tag) ?? this.#f64[tag], quality: this.#u8[tag] };
  }

  /**
   * Watched tags that went without news for longer than allowed, each reported once: the bad
   * ones (already said to be bad) and those never read are left alone.
   */
  scan(now: number): StaleTag[] {
    const out: StaleTag[] = [];
    const n = this.#n, f64 = this.#f64, u8 = this.#u8;
    for (const tag of this.#watched) {
      if (u8[n + tag] === 1) continue;
      const q = u8[tag];
      if (q === UNKNOWN || q === Quality.bad) continue;
      const seen = f64[n + tag];
      if (now - seen <= f64[2 * n + tag]) continue;
      u8[n + tag] = 1;
      this.stale++;
      out.push({ tag, value: this.#text?.get(tag) ?? f64[tag], since: seen });
    }
    return out;
  }

  #clear(tag: number): boolean {
    const at = this.#n + tag;
    if (this.#u8[at] === 0) return false;
    this.#u8[at] = 0;
    this.stale--;
    return true;
  }

  /** Room for `tag`: half as much again as before (20 tags take 24 slots, not 32). */
  #ensure(tag: number): void {
    const old = this.#n;
    if (tag < old) return;
    const n = Math.max(16, tag + 1, old + (old >> 1));
    const buf = new ArrayBuffer(26 * n);
    const f64 = new Float64Array(buf, 0, 3 * n), u8 = new Uint8Array(buf, 24 * n, 2 * n);
    u8.fill(UNKNOWN, 0, n);
    for (let col = 0; col < 3; col++) {
      f64.set(this.#f64.subarray(col * old, (col + 1) * old), col * n);
    }
    u8.set(this.#u8.subarray(0, old));
    u8.set(this.#u8.subarray(old, 2 * old), n);
    [this.#n, this.#f64, this.#u8] = [n, f64, u8];
  }
}
