import { columns, type SampleBatch } from "../model/batch.ts";
import { type QualityName, qualityName } from "../model/sample.ts";
import { SharedTable } from "./latest_table.ts";

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
 * A row whose text or reason differs from the tag's row before it, whole: the shared table holds
 * only numbers, so the text and reason travel here, with the row's sequence.
 */
export interface TextRow {
  tag: number;
  seq: number;
  ts: number;
  value: number;
  quality: number;
  text: string | null;
  reason: string | null;
}

/**
 * What a worker tells the main thread about its sources' latest values: a source's shared table
 * (again when it grew), and the rows whose text or reason changed (rare: string tags, bad
 * quality). The epoch names the writer of a source's tables: a source restarted or moved to
 * another worker starts a new one, and what the old writer still sends is dropped.
 */
export type LatestMessage =
  | { type: "latest_table"; source: number; epoch: number; buf: SharedArrayBuffer }
  | { type: "latest_text"; source: number; epoch: number; rows: TextRow[] };

/** A source's table, and its texts and reasons (maps made on the first: most sources have none). */
interface WriterSource {
  epoch: number;
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
      const table = SharedTable.ofSize(Math.max(16, top + 1));
      this.#bySource.set(source, s = { epoch: Math.random(), table });
      this.post({ type: "latest_table", source, epoch: s.epoch, buf: table.buf });
    } else if (top >= s.table.size) {
      s.table = s.table.grown(top);
      this.post({ type: "latest_table", source, epoch: s.epoch, buf: s.table.buf });
    }
    const t = s.table;
    const text = batch.text ? new Map(batch.text) : undefined;
    const reasons = batch.reasons ? new Map(batch.reasons) : undefined;
    const texts = text || reasons || s.text?.size || s.reasons?.size;
    let rows: TextRow[] | undefined;
    for (let i = 0; i < batch.count; i++) {
      const tag = c.tag[i], ts = c.ts[i], value = c.value[i], quality = c.quality[i];
      if (!texts) {
        t.write(tag, ts, value, quality, false);
        continue;
      }
      const x = text?.get(i), r = reasons?.get(i);
      const changed = x !== s.text?.get(tag) || r !== s.reasons?.get(tag);
      const seq = t.write(tag, ts, value, quality, changed);
      if (!changed) continue;
      keep(s.text ??= new Map(), tag, x);
      keep(s.reasons ??= new Map(), tag, r);
      (rows ??= []).push({ tag, seq, ts, value, quality, text: x ?? null, reason: r ?? null });
    }
    if (rows) this.post({ type: "latest_text", source, epoch: s.epoch, rows });
  }
}

/** Sets a tag's text or reason, or forgets it when there is none. */
function keep(map: Map<number, string>, tag: number, s: string | null | undefined): void {
  if (s === undefined || s === null) map.delete(tag);
  else map.set(tag, s);
}

interface ReaderSource {
  epoch: number;
  table?: SharedTable;
  /** The last row of each tag whose text or reason changed, as its message brought it. */
  texts?: Map<number, TextRow>;
}

/**
 * The main thread's view of every tag's latest value, quality, reason and time, read from the
 * workers' shared tables, so the API lists tags with their values without asking any device.
 *
 * A tag's row in the table is served with the text and reason its messages brought, once they
 * have brought those of that very row. Until then (the message is on its way, a moment), the
 * tag's last row that came whole by message is served: a bad sample never shows without its
 * reason, nor with another sample's.
 */
export class LatestValues {
  #bySource = new Map<number, ReaderSource>();

  /** Takes a worker's message about one of its sources. */
  take(message: LatestMessage): void {
    const { source, epoch } = message;
    let s = this.#bySource.get(source);
    if (message.type === "latest_table") {
      if (s?.epoch !== epoch) this.#bySource.set(source, s = { epoch });
      s.table = new SharedTable(message.buf);
    } else if (s?.epoch === epoch) {
      for (const row of message.rows) (s.texts ??= new Map()).set(row.tag, row);
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
    if (!t || index >= t.size) return undefined;
    const row = t.read(index);
    const known = s.texts?.get(index);
    if (row?.seen && row.textSeq === (known?.seq ?? 0)) {
      return sampleOf(row, known);
    }
    return known && sampleOf(known, known);
  }
}

/** A sample from a row's numbers, with the text and reason the tag's messages brought. */
function sampleOf(
  row: { ts: number; value: number; quality: number },
  known: TextRow | undefined,
): LatestSample {
  const sample: LatestSample = {
    value: typeof known?.text === "string"
      ? known.text
      : Number.isNaN(row.value)
      ? null
      : row.value,
    quality: qualityName(row.quality),
    ts: row.ts,
  };
  if (typeof known?.reason === "string") sample.reason = known.reason;
  return sample;
}
