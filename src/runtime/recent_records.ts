import type { Cursor, Peeked } from "./disk_cursor.ts";

/** A record appended to a segment, kept in memory: where it lies, its time and payload. */
interface Kept {
  seq: number;
  offset: number;
  end: number;
  ts: number;
  payload: Uint8Array;
  memo?: unknown;
}

/**
 * The most recently appended records of a disk buffer, up to a byte budget: a reader that keeps
 * up takes them from here instead of reading back (and checksumming) what was just written. The
 * disk stays the truth — anything not held here (evicted, or from before a restart) is read from
 * the segments.
 */
export class RecentRecords {
  #items: Kept[] = [];
  #head = 0;
  #bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of payload held. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Keeps a record just appended at `offset` of segment `seq`, and what the writer made it from
   * (`memo`, handed to readers with it), evicting the oldest over budget.
   */
  add(
    seq: number,
    offset: number,
    end: number,
    ts: number,
    payload: Uint8Array,
    memo?: unknown,
  ): void {
    if (payload.length > this.maxBytes) return this.clear();
    this.#items.push({ seq, offset, end, ts, payload, memo });
    this.#bytes += payload.length;
    while (this.#bytes > this.maxBytes) this.#shift();
  }

  /** Forgets the records that lie before `cursor` (acked, or dropped). */
  dropBefore(cursor: Cursor): void {
    while (this.#head < this.#items.length) {
      const k = this.#items[this.#head];
      if (k.seq > cursor.seq || (k.seq === cursor.seq && k.offset >= cursor.offset)) break;
      this.#shift();
    }
  }

  /** Forgets everything (a record too large to keep breaks the run of consecutive records). */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  /** The time of the record that starts at `cursor`, if held. */
  tsAt(cursor: Cursor): number | undefined {
    const i = this.#find(cursor);
    return i === undefined ? undefined : this.#items[i]?.ts;
  }

  /**
   * Up to `max` records from `cursor` on, as a peek of the disk would return them; undefined when
   * the record at `cursor` is not held (the caller reads the disk).
   */
  from(cursor: Cursor, max: number): Peeked | undefined {
    const start = this.#find(cursor);
    if (start === undefined) return undefined;
    const records: Peeked["records"] = [];
    let next = cursor, bytes = 0;
    for (let i = start; i < this.#items.length && records.length < max; i++) {
      const k = this.#items[i];
      records.push({ ts: k.ts, payload: k.payload, memo: k.memo });
      // Bytes as the disk counts them: a new segment starts at its offset 0.
      bytes += k.seq === next.seq ? k.end - next.offset : k.end;
      next = { seq: k.seq, offset: k.end };
    }
    return { records, next, bytes };
  }

  /**
   * Where the record at `cursor` is held: an exact start, or the end of the record before it
   * (the next record then continues there or opens the next segment). Undefined when not held.
   */
  #find(cursor: Cursor): number | undefined {
    let lo = this.#head, hi = this.#items.length;
    while (lo < hi) { // the first record at or after the cursor
      const mid = (lo + hi) >> 1;
      const k = this.#items[mid];
      if (k.seq < cursor.seq || (k.seq === cursor.seq && k.offset < cursor.offset)) lo = mid + 1;
      else hi = mid;
    }
    const at = this.#items[lo];
    if (at && at.seq === cursor.seq && at.offset === cursor.offset) return lo;
    const prev = lo > this.#head ? this.#items[lo - 1] : undefined;
    if (prev && prev.seq === cursor.seq && prev.end === cursor.offset) return lo;
    return undefined;
  }

  #shift(): void {
    const k = this.#items[this.#head];
    this.#items[this.#head++] = undefined as unknown as Kept;
    this.#bytes -= k.payload.length;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
