import { columns, type SampleBatch } from "../model/batch.ts";
import { type QualityName, qualityName } from "../model/sample.ts";

/** The latest sample of one tag as the router last saw it pass. */
export interface LatestSample {
  /** A number, a string for string tags, or null when the value is missing (bad quality). */
  value: number | string | null;
  quality: QualityName;
  reason?: string;
  /** Milliseconds since the Unix epoch. */
  ts: number;
}

/** One source's latest samples, one slot per tag index. */
class SourceValues {
  ts = new Float64Array(16);
  value = new Float64Array(16);
  quality = new Uint8Array(16);
  seen = new Uint8Array(16);
  readonly text = new Map<number, string>();
  readonly reasons = new Map<number, string>();

  grow(index: number): void {
    if (index < this.ts.length) return;
    let n = this.ts.length;
    while (n <= index) n *= 2;
    const grown = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.ts = grown(this.ts, (k) => new Float64Array(k));
    this.value = grown(this.value, (k) => new Float64Array(k));
    this.quality = grown(this.quality, (k) => new Uint8Array(k));
    this.seen = grown(this.seen, (k) => new Uint8Array(k));
  }
}

/**
 * The latest value, quality, reason and time of every tag, kept by the router from the batches it
 * routes (typed arrays per source: a few writes per sample, no object per value), so the API
 * lists tags with their values without asking any device.
 */
export class LatestValues {
  #bySource = new Map<number, SourceValues>();

  /** Takes the samples of a batch; later rows of one tag win. */
  update(batch: SampleBatch): void {
    let s = this.#bySource.get(batch.source);
    if (!s) this.#bySource.set(batch.source, s = new SourceValues());
    const c = columns(batch);
    const text = batch.text ? new Map(batch.text) : undefined;
    const reasons = batch.reasons ? new Map(batch.reasons) : undefined;
    for (let i = 0; i < batch.count; i++) {
      const tag = c.tag[i];
      if (tag >= s.ts.length) s.grow(tag);
      s.ts[tag] = c.ts[i];
      s.value[tag] = c.value[i];
      s.quality[tag] = c.quality[i];
      s.seen[tag] = 1;
      const t = text?.get(i);
      if (t !== undefined) s.text.set(tag, t);
      else if (s.text.size > 0) s.text.delete(tag);
      const r = reasons?.get(i);
      if (r !== undefined) s.reasons.set(tag, r);
      else if (s.reasons.size > 0) s.reasons.delete(tag);
    }
  }

  /** The latest sample of a tag, or undefined before its first one. */
  get(source: number, index: number): LatestSample | undefined {
    const s = this.#bySource.get(source);
    if (!s || index >= s.seen.length || s.seen[index] === 0) return undefined;
    const text = s.text.get(index);
    const v = s.value[index];
    const sample: LatestSample = {
      value: text !== undefined ? text : Number.isNaN(v) ? null : v,
      quality: qualityName(s.quality[index]),
      ts: s.ts[index],
    };
    const reason = s.reasons.get(index);
    if (reason !== undefined) sample.reason = reason;
    return sample;
  }
}
