import { columns, type SampleBatch } from "../model/batch.ts";
import { type QualityName, qualityName } from "../model/sample.ts";

/** The latest sample of one tag as its source's worker last saw it pass. */
export interface LatestSample {
  /** A number, a string for string tags, or null when the value is missing (bad quality). */
  value: number | string | null;
  quality: QualityName;
  reason?: string;
  /** Milliseconds since the Unix epoch. */
  ts: number;
}

/**
 * What a worker tells the main thread about its sources' latest values: a source's shared table
 * (again when it grew), and the texts and reasons that changed (rare: string tags, bad quality).
 */
export type LatestMessage =
  | { type: "latest_table"; source: number; buf: SharedArrayBuffer }
  | { type: "latest_text"; source: number; changes: [number, string | null, string | null][] };

/**
 * One source's latest numbers in one SharedArrayBuffer, one slot per tag index: ts and value
 * (f64), quality and seen (u8). The worker writes, the main thread reads; no message per batch.
 */
class SharedTable {
  readonly size: number;
  readonly ts: Float64Array;
  readonly value: Float64Array;
  readonly quality: Uint8Array;
  readonly seen: Uint8Array;

  constructor(readonly buf: SharedArrayBuffer) {
    const n = this.size = buf.byteLength / 18;
    this.ts = new Float64Array(buf, 0, n);
    this.value = new Float64Array(buf, 8 * n, n);
    this.quality = new Uint8Array(buf, 16 * n, n);
    this.seen = new Uint8Array(buf, 17 * n, n);
  }

  static ofSize(n: number): SharedTable {
    return new SharedTable(new SharedArrayBuffer(18 * n));
  }

  /** A larger table with this one's slots. */
  grown(index: number): SharedTable {
    let n = this.size;
    while (n <= index) n *= 2;
    const t = SharedTable.ofSize(n);
    t.ts.set(this.ts);
    t.value.set(this.value);
    t.quality.set(this.quality);
    t.seen.set(this.seen);
    return t;
  }
}

/** A source's table, and its texts and reasons (maps made on the first: most sources have none). */
interface WriterSource {
  table: SharedTable;
  text?: Map<number, string>;
  reasons?: Map<number, string>;
}

/**
 * Keeps the latest sample of every tag of a worker's sources, in tables the main thread reads
 * directly (typed arrays: a few writes per sample, no object per value). Later rows of a tag win.
 */
export class LatestWriter {
  #bySource = new Map<number, WriterSource>();

  constructor(private readonly post: (message: LatestMessage) => void) {}

  /** Takes the samples of a batch, before its buffer is handed on. */
  update(batch: SampleBatch): void {
    const { source } = batch;
    const c = columns(batch);
    let top = 0;
    for (let i = 0; i < batch.count; i++) if (c.tag[i] > top) top = c.tag[i];
    let s = this.#bySource.get(source);
    if (!s) {
      this.#bySource.set(source, s = { table: SharedTable.ofSize(Math.max(16, top + 1)) });
      this.post({ type: "latest_table", source, buf: s.table.buf });
    } else if (top >= s.table.size) {
      s.table = s.table.grown(top);
      this.post({ type: "latest_table", source, buf: s.table.buf });
    }
    const t = s.table;
    const text = batch.text ? new Map(batch.text) : undefined;
    const reasons = batch.reasons ? new Map(batch.reasons) : undefined;
    let changes: [number, string | null, string | null][] | undefined;
    for (let i = 0; i < batch.count; i++) {
      const tag = c.tag[i];
      t.ts[tag] = c.ts[i];
      t.value[tag] = c.value[i];
      t.quality[tag] = c.quality[i];
      t.seen[tag] = 1;
      if (!text && !reasons && !s.text?.size && !s.reasons?.size) continue;
      const x = text?.get(i), r = reasons?.get(i);
      if (x === s.text?.get(tag) && r === s.reasons?.get(tag)) continue;
      keep(s.text ??= new Map(), tag, x);
      keep(s.reasons ??= new Map(), tag, r);
      (changes ??= []).push([tag, x ?? null, r ?? null]);
    }
    if (changes) this.post({ type: "latest_text", source, changes });
  }
}

/** Sets a tag's text or reason, or forgets it when there is none. */
function keep(map: Map<number, string>, tag: number, s: string | null | undefined): void {
  if (s === undefined || s === null) map.delete(tag);
  else map.set(tag, s);
}

interface ReaderSource {
  table?: SharedTable;
  text?: Map<number, string>;
  reasons?: Map<number, string>;
}

/**
 * The main thread's view of every tag's latest value, quality, reason and time, read from the
 * workers' shared tables, so the API lists tags with their values without asking any device.
 */
export class LatestValues {
  #bySource = new Map<number, ReaderSource>();

  /** Takes a worker's message about one of its sources. */
  take(message: LatestMessage): void {
    let s = this.#bySource.get(message.source);
    if (!s) this.#bySource.set(message.source, s = {});
    if (message.type === "latest_table") {
      s.table = new SharedTable(message.buf);
      return;
    }
    for (const [tag, text, reason] of message.changes) {
      keep(s.text ??= new Map(), tag, text);
      keep(s.reasons ??= new Map(), tag, reason);
    }
  }

  /** Forgets a source that went away (its device was removed). */
  forget(source: number): void {
    this.#bySource.delete(source);
  }

  /** The latest sample of a tag, or undefined before its first one. */
  get(source: number, index: number): LatestSample | undefined {
    const s = this.#bySource.get(source);
    const t = s?.table;
    if (!t || index >= t.size || t.seen[index] === 0) return undefined;
    const text = s.text?.get(index);
    const v = t.value[index];
    const sample: LatestSample = {
      value: text !== undefined ? text : Number.isNaN(v) ? null : v,
      quality: qualityName(t.quality[index]),
      ts: t.ts[index],
    };
    const reason = s.reasons?.get(index);
    if (reason !== undefined) sample.reason = reason;
    return sample;
  }
}
