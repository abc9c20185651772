/**
 * One source's latest numbers in one SharedArrayBuffer, one slot per tag index: ts and value
 * (f64), a row sequence and a text sequence (i32), quality and seen (u8). One worker writes, the
 * main thread reads; no message per batch.
 *
 * Each row is guarded by its sequence (a seqlock): odd while the worker writes the row, even once
 * it is whole, so a reader never takes one sample's value with another's quality. The text
 * sequence is the row sequence at which the tag's text or reason last changed; the change itself
 * travels as a message, and the reader knows it is still on its way while the sequence it last
 * applied is behind.
 */
export class SharedTable {
  static readonly BYTES_PER_TAG = 26;
  readonly size: number;
  /** ts of tag i at [i], its value at [size + i]. */
  readonly f64: Float64Array;
  /** The row sequence of tag i at [i], its text sequence at [size + i]. */
  readonly seq: Int32Array;
  /** Quality of tag i at [i], 1 at [size + i] once written. */
  readonly u8: Uint8Array;

  // Three views over the six columns, not one each: both the worker and the main thread keep a
  // table per source, and a view costs about 100 bytes of heap.
  constructor(readonly buf: SharedArrayBuffer) {
    const n = this.size = buf.byteLength / SharedTable.BYTES_PER_TAG;
    this.f64 = new Float64Array(buf, 0, 2 * n);
    this.seq = new Int32Array(buf, 16 * n, 2 * n);
    this.u8 = new Uint8Array(buf, 24 * n, 2 * n);
  }

  static ofSize(n: number): SharedTable {
    return new SharedTable(new SharedArrayBuffer(SharedTable.BYTES_PER_TAG * n));
  }

  /** A larger table with this one's slots (the writer's; nobody writes the old one after). */
  grown(index: number): SharedTable {
    const n = this.size;
    let size = n;
    while (size <= index) size *= 2;
    const t = SharedTable.ofSize(size);
    for (const [from, to] of [[this.f64, t.f64], [this.seq, t.seq], [this.u8, t.u8]] as const) {
      to.set(from.subarray(0, n));
      to.set(from.subarray(n, 2 * n), size);
    }
    return t;
  }

  /**
   * Writes one row between the odd and the even sequence, and returns the even one. With
   * `textChanged`, it is also the row's text sequence.
   */
  write(tag: number, ts: number, value: number, quality: number, textChanged: boolean): number {
    const n = this.size;
    const seq = (Atomics.add(this.seq, tag, 1) + 2) | 0;
    this.f64[tag] = ts;
    this.f64[n + tag] = value;
    this.u8[tag] = quality;
    this.u8[n + tag] = 1;
    if (textChanged) this.seq[n + tag] = seq;
    Atomics.store(this.seq, tag, seq);
    return seq;
  }

  /**
   * One whole row, or undefined when the writer stayed in the middle of it for every try (a
   * worker stopped mid-row: its next table replaces this one).
   */
  read(tag: number): TableRow | undefined {
    for (let tries = 0; tries < 1000; tries++) {
      const seq = Atomics.load(this.seq, tag);
      if (seq & 1) continue;
      const n = this.size;
      const row = {
        ts: this.f64[tag],
        value: this.f64[n + tag],
        quality: this.u8[tag],
        seen: this.u8[n + tag] === 1,
        textSeq: this.seq[n + tag],
      };
      if (Atomics.load(this.seq, tag) === seq) return row;
    }
    return undefined;
  }
}

/** One row of a shared table, read whole. */
export interface TableRow {
  ts: number;
  value: number;
  quality: number;
  seen: boolean;
  textSeq: number;
}
