import { crc32 } from "node:zlib";

/** Bytes before a record's payload: length (u32), crc32 (u32) of ts + payload, ts (f64, ms). */
export const HEADER_BYTES = 16;

/** One record read back from a segment. */
export interface StoredRecord {
  ts: number;
  payload: Uint8Array;
  /** Offset just past this record in its segment. */
  end: number;
}

/** The header of a record (its checksum covers ts and payload), to write before the payload. */
export function recordHeader(payload: Uint8Array, ts: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  view.setFloat64(8, ts);
  view.setUint32(4, crc32(payload, crc32(out.subarray(8))));
  return out;
}

/** Encodes a record: header then payload. */
export function encodeRecord(payload: Uint8Array, ts: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  out.set(recordHeader(payload, ts));
  out.set(payload, HEADER_BYTES);
  return out;
}

/**
 * Reads the records of a segment from `offset`, stopping at the end, at a torn record (cut off
 * by a crash mid-write) or at one whose checksum does not match. `validEnd` is where the good
 * records end; `damaged` says whether anything after it was unreadable.
 */
export function scanRecords(
  bytes: Uint8Array,
  offset = 0,
  max = Infinity,
): { records: StoredRecord[]; validEnd: number; damaged: boolean } {
  const records: StoredRecord[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = offset;
  while (records.length < max && at < bytes.length) {
    if (at + HEADER_BYTES > bytes.length) return { records, validEnd: at, damaged: true };
    const length = view.getUint32(at);
    const end = at + HEADER_BYTES + length;
    if (end > bytes.length) return { records, validEnd: at, damaged: true };
    if (crc32(bytes.subarray(at + 8, end)) !== view.getUint32(at + 4)) {
      return { records, validEnd: at, damaged: true };
    }
    records.push({
      ts: view.getFloat64(at + 8),
      payload: bytes.slice(at + HEADER_BYTES, end),
      end,
    });
    at = end;
  }
  return { records, validEnd: at, damaged: false };
}

/** The file name of segment `seq`: zero-padded so names sort in order. */
export function segmentName(seq: number): string {
  return `${String(seq).padStart(16, "0")}.seg`;
}
