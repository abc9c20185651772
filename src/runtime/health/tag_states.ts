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
  // Five columns in one buffer (a fleet holds one TagStates per device).
  #quality = new Uint8Array(0);
  #value = new Float64Array(0);
  /** Texts of string tags, made on the first. */
  #text: Map<number, string> | undefined;
  #seen = new Float64Array(0);
  /** How long a watched tag may go without news; 0 for tags that are not watched. */
  #staleAfter = new Float64Array(0);
  #stale = new Uint8Array(0);
  #watched: number[] = [];
  known = 0;
  bad = 0;
  stale = 0;

  /** Watches a tag: with no news for `staleAfterMs`, it is stale. */
  expect(tag: number, staleAfterMs: number): void {
    this.#ensure(tag);
    if (this.#staleAfter[tag] === 0) this.#watched.push(tag);
    this.#staleAfter[tag] = staleAfterMs;
  }

  /** A fresh reading; true when the tag was stale until now. */
  reading(tag: number, value: number | string, quality: number, now: number): boolean {
    if (tag >= this.#quality.length) this.#ensure(tag);
    const before = this.#quality[tag];
    if (before !== quality) {
      if (before === UNKNOWN) this.known++;
      else if (before === Quality.bad) this.bad--;
      if (quality === Quality.bad) this.bad++;
      this.#quality[tag] = quality;
    }
    if (typeof value === "string") (this.#text ??= new Map()).set(tag, value);
    else {
      this.#value[tag] = value;
      if (this.#text !== undefined) this.#text.delete(tag);
    }
    this.#seen[tag] = now;
    return this.#clear(tag);
  }

  /** Tags known unchanged as of `now` (a subscription's keep-alive); those that were stale. */
  alive(tags: readonly number[], now: number): number[] {
    const revived: number[] = [];
    for (const tag of tags) {
      if (tag >= this.#seen.length) continue;
      this.#seen[tag] = now;
      if (this.#clear(tag)) revived.push(tag);
    }
    return revived;
  }

  /** The last value and quality of a tag read before. */
  last(tag: number): { value: number | string; quality: number } {
    return { value: this.#text?.get(tag) ?? this.#value[tag], quality: this.#quality[tag] };
  }

  /**
   * Watched tags that went without news for longer than allowed, each reported once: the bad
   * ones (already said to be bad) and those never read are left alone.
   */
  scan(now: number): StaleTag[] {
    const out: StaleTag[] = [];
    for (const tag of this.#watched) {
      if (this.#stale[tag] === 1) continue;
      const q = this.#quality[tag];
      if (q === UNKNOWN || q === Quality.bad) continue;
      if (now - this.#seen[tag] <= this.#staleAfter[tag]) continue;
      this.#stale[tag] = 1;
      this.stale++;
      out.push({ tag, value: this.#text?.get(tag) ?? this.#value[tag], since: this.#seen[tag] });
    }
    return out;
  }

  #clear(tag: number): boolean {
    if (this.#stale[tag] === 0) return false;
    this.#stale[tag] = 0;
    this.stale--;
    return true;
  }

  #ensure(tag: number): void {
    if (tag < this.#quality.length) return;
    const n = Math.max(16, tag + 1, this.#quality.length * 2);
    const buf = new ArrayBuffer(26 * n);
    const value = new Float64Array(buf, 0, n), seen = new Float64Array(buf, 8 * n, n);
    const staleAfter = new Float64Array(buf, 16 * n, n);
    const quality = new Uint8Array(buf, 24 * n, n), stale = new Uint8Array(buf, 25 * n, n);
    quality.fill(UNKNOWN);
    quality.set(this.#quality);
    value.set(this.#value);
    seen.set(this.#seen);
    staleAfter.set(this.#staleAfter);
    stale.set(this.#stale);
    [this.#quality, this.#value, this.#seen] = [quality, value, seen];
    [this.#staleAfter, this.#stale] = [staleAfter, stale];
  }
}
