/** Where the first unacked record is. */
export interface Cursor {
  seq: number;
  offset: number;
}

/** Records taken by peek; ack(batch) removes them. */
export interface Peeked {
  /** `memo`: what the record was made from, when it was served from memory (see append). */
  records: { ts: number; payload: Uint8Array; memo?: unknown }[];
  next: Cursor;
  bytes: number;
}

/** True when cursor a is before cursor b. */
export function before(a: Cursor, b: Cursor): boolean {
  return a.seq < b.seq || (a.seq === b.seq && a.offset < b.offset);
}
