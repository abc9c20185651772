import { type QualityCode, qualityName, type Sample } from "./sample.ts";

/**
 * A columnar batch of samples from one source, laid out in a single ArrayBuffer so it can be
 * transferred between workers without copying: ts (f64) | value (f64) | tag (u32) | quality (u8),
 * each column `capacity` long. String values and quality reasons are rare; they travel in
 * sparse side arrays of [row, text].
 */
export interface SampleBatch {
  /** Source id assigned by the supervisor; tag indexes are local to the source. */
  source: number;
  count: number;
  capacity: number;
  buf: ArrayBuffer;
  text?: [number, string][];
  reasons?: [number, string][];
  /** Set by a source that wants to hear once every routed sink has stored the batch. */
  receipt?: number;
}

/** Bytes one sample takes in a batch buffer. */
export const BYTES_PER_SAMPLE = 21;

/** Typed views over a batch's columns. */
export interface BatchColumns {
  ts: Float64Array;
  value: Float64Array;
  tag: Uint32Array;
  quality: Uint8Array;
}

/**
 * The views a batch was built with, kept on the batch under a symbol: the receivers in the same
 * thread (the latest-value table, the fanout) read them instead of making four more per batch,
 * and a message to another thread leaves symbol keys behind, so no view crosses with the buffer.
 */
const COLUMNS = Symbol("columns");

/** Views over the columns of a batch (no copy). */
export function columns(batch: SampleBatch): BatchColumns {
  const built = (batch as { [COLUMNS]?: BatchColumns })[COLUMNS];
  if (built !== undefined && built.ts.buffer === batch.buf) return built;
  const n = batch.capacity;
  return {
    ts: new Float64Array(batch.buf, 0, n),
    value: new Float64Array(batch.buf, 8 * n, n),
    tag: new Uint32Array(batch.buf, 16 * n, n),
    quality: new Uint8Array(batch.buf, 20 * n, n),
  };
}

/**
 * Fills a batch row by row; build() hands the buffer over. The next buffer is made on the next
 * push, so a builder between polls (one per device and group) holds none.
 */
export class BatchBuilder {
  #cols: BatchColumns | undefined;
  #buf: ArrayBuffer | undefined;
  #count = 0;
  #text: [number, string][] | undefined;
  #reasons: [number, string][] | undefined;

  constructor(readonly source: number, readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Cannot create batch: capacity ${capacity} is not a positive integer`);
    }
  }

  get count(): number {
    return this.#count;
  }

  get full(): boolean {
    return this.#count === this.capacity;
  }

  /** Appends a numeric sample (booleans as 0/1, a missing value as NaN). */
  push(tag: number, ts: number, value: number, quality: QualityCode, reason?: string): void {
    if (this.full) throw new RangeError(`Cannot add sample: batch is full (${this.capacity})`);
    const cols = this.#cols ?? this.#start();
    const i = this.#count++;
    cols.tag[i] = tag;
    cols.ts[i] = ts;
    cols.value[i] = value;
    cols.quality[i] = quality;
    if (reason !== undefined) (this.#reasons ??= []).push([i, reason]);
  }

  /** Appends a string sample; its numeric column holds NaN. */
  pushText(tag: number, ts: number, text: string, quality: QualityCode, reason?: string): void {
    this.push(tag, ts, NaN, quality, reason);
    (this.#text ??= []).push([this.#count - 1, text]);
  }

  /** Returns the filled batch and starts a new empty one. */
  build(): SampleBatch {
    const cols = this.#cols ?? this.#start();
    const batch: SampleBatch & { [COLUMNS]?: BatchColumns } = {
      source: this.source,
      count: this.#count,
      capacity: this.capacity,
      buf: this.#buf!,
      [COLUMNS]: cols,
    };
    if (this.#text !== undefined) batch.text = this.#text;
    if (this.#reasons !== undefined) batch.reasons = this.#reasons;
    this.#cols =
      this.#buf =
      this.#text =
      this.#reasons =
        undefined;
    this.#count = 0;
    return batch;
  }

  #start(): BatchColumns {
    const buf = this.#buf = new ArrayBuffer(this.capacity * BYTES_PER_SAMPLE);
    return this.#cols = columns({ source: 0, count: 0, capacity: this.capacity, buf });
  }
}

/** A deep copy, for fanning one batch out to several receivers (the last one gets the original). */
export function cloneBatch(batch: SampleBatch): SampleBatch {
  const copy: SampleBatch = { ...batch, buf: batch.buf.slice(0) };
  if (batch.text) copy.text = batch.text.map(([i, t]) => [i, t]);
  if (batch.reasons) copy.reasons = batch.reasons.map(([i, r]) => [i, r]);
  return copy;
}

/** Below this size a buffer is cheaper to copy than to transfer (measured: batch of 1 → 2.6×). */
const TRANSFER_MIN_BYTES = 1024;

/** The buffers to put in postMessage's transfer list; small ones are copied instead. */
export function transferList(batch: SampleBatch): ArrayBuffer[] {
  return batch.buf.byteLength >= TRANSFER_MIN_BYTES ? [batch.buf] : [];
}

/** Reads a batch back as rows; for sinks that publish per sample and for tests. */
export function* rows(batch: SampleBatch): Generator<Sample> {
  const c = columns(batch);
  const text = batch.text ? new Map(batch.text) : undefined;
  const reasons = batch.reasons ? new Map(batch.reasons) : undefined;
  for (let i = 0; i < batch.count; i++) {
    const q = qualityName(c.quality[i]);
    const t = text?.get(i);
    const v = c.value[i];
    const sample: Sample = {
      tag: c.tag[i],
      ts: c.ts[i],
      value: t !== undefined ? t : Number.isNaN(v) ? null : v,
      quality: q,
    };
    const reason = reasons?.get(i);
    if (reason !== undefined) sample.reason = reason;
    yield sample;
  }
}
