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
  readonly ts: Float64Array;
  readonly value: Float64Array;
  readonly seq: Int32Array;
  readonly textSeq: Int32Array;
  readonly quality: Uint8Array;
  readonly seen: Uint8Array;

  constructor(readonly buf: SharedArrayBuffer) {
    const n = this.size = buf.byteLength / SharedTable.BYTES_PER_TAG;
    this.ts = new Float64Array(buf, 0, n);
    this.value = new Float64Array(buf, 8 * n, n);
    this.seq = new Int32Array(buf, 16 * n, n);
    this.textSeq = new Int32Array(buf, 20 * n, n);
    this.quality = new Uint8Array(buf, 24 * n, n);
    this.seen = new Uint8Array(buf, 25 * n, n);
  }

  static ofSize(n: number): SharedTable {
    return new SharedTable(new SharedArrayBuffer(SharedTable.BYTES_PER_TAG * n));
  }

  /** A larger table with this one's slots (the writer's; nobody writes the old one after). */
  grown(index: number): SharedTable {
    let n = this.size;
    while (n <= index) n *= 2;
    const t = SharedTable.ofSize(n);
    t.ts.set(this.ts);
    t.value.set(this.value);
    t.seq.set(this.seq);
    t.textSeq.set(this.textSeq);
    t.quality.set(this.quality);
    t.seen.set(this.seen);
    return t;
  }

  /**
   * Writes one row between the odd and the even sequence, and returns the even one. With
   * `textChanged`, it is also the row's text sequence.
   */
  write(tag: number, ts: number, value: number, quality: number, textChanged: boolean): number {
    const seq = (Atomics.add(this.seq, tag, 1) + 2) | 0;
    this.ts[tag] = ts;
    this.value[tag] = value;
    this.quality[tag] = quality;
    this.seen[tag] = 1;
    if (textChanged) this.textSeq[tag] = seq;
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
      const row = {
        ts: this.ts[tag],
        value: this.value[tag],
        quality: this.quality[tag],
        seen: this.seen[tag] === 1,
        textSeq: this.textSeq[tag],
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
