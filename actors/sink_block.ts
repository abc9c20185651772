import { columns, type SampleBatch } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import type { TagCatalog } from "../src/runtime/frames.ts";

/** A sample as a database sink stores it: [path, ts ms, number or null, text or null, quality, reason]. */
export type Row = [string, number, number | null, string | null, number, string | null];

/**
 * Samples as a sink keeps them in its disk buffer: columns, with each path written once. NaN in
 * `value` is no value (a text row, or a bad sample).
 */
export interface RowBlock {
  count: number;
  paths: string[];
  path: Uint32Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  text?: Map<number, string>;
  reasons?: Map<number, string>;
}

// Layout: version (u8), 3 bytes padding, count (u32), header length (u32), 4 bytes padding,
// ts f64[n], value f64[n], path u32[n], quality u8[n], header JSON {p: paths, x: text, r: reasons}.
// Columns start at 8-byte boundaries of the record (a record's payload starts at offset 0).
const VERSION = 1;
const HEAD = 16;
const enc = new TextEncoder(), dec = new TextDecoder();

/** Encodes a batch for the buffer, naming each row by the UNS path of its tag. */
export function encodeBlock(batch: SampleBatch, tags: TagCatalog): Uint8Array {
  const n = batch.count, c = columns(batch);
  const byTag = new Map<number, number>();
  const paths: string[] = [];
  const out = new Uint8Array(HEAD + 21 * n);
  const path = new Uint32Array(out.buffer, HEAD + 16 * n, n);
  for (let i = 0; i < n; i++) {
    let p = byTag.get(c.tag[i]);
    if (p === undefined) {
      const tag = tags.get(batch.source, c.tag[i]);
      if (!tag) {
        throw new Error(
          `Cannot store: tag ${c.tag[i]} of source ${batch.source} was never registered`,
        );
      }
      byTag.set(c.tag[i], p = paths.push(tag.path) - 1);
    }
    path[i] = p;
  }
  new Float64Array(out.buffer, HEAD, n).set(c.ts.subarray(0, n));
  const value = new Float64Array(out.buffer, HEAD + 8 * n, n);
  value.set(c.value.subarray(0, n));
  const quality = new Uint8Array(out.buffer, HEAD + 20 * n, n);
  for (let i = 0; i < n; i++) quality[i] = Math.min(c.quality[i], Quality.bad);
  for (const [i] of batch.text ?? []) value[i] = NaN;
  const header = enc.encode(JSON.stringify({ p: paths, x: batch.text, r: batch.reasons }));
  const record = new Uint8Array(out.length + header.length);
  record.set(out);
  record.set(header, out.length);
  const view = new DataView(record.buffer);
  record[0] = VERSION;
  view.setUint32(4, n);
  view.setUint32(8, header.length);
  return record;
}

/** Decodes a buffer record: a block, or (records of the older form) JSON rows. */
export function decodeBlock(record: Uint8Array): RowBlock {
  if (record[0] !== VERSION) return blockOf(JSON.parse(dec.decode(record)) as Row[]);
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const n = view.getUint32(4), headerLength = view.getUint32(8);
  // Typed views need aligned offsets: copy a record that does not start on one.
  const bytes = record.byteOffset % 8 === 0 ? record : record.slice();
  const at = (offset: number) => bytes.byteOffset + offset;
  const header = JSON.parse(
    dec.decode(bytes.subarray(HEAD + 21 * n, HEAD + 21 * n + headerLength)),
  ) as { p: string[]; x?: [number, string][]; r?: [number, string][] };
  return {
    count: n,
    paths: header.p,
    ts: new Float64Array(bytes.buffer, at(HEAD), n),
    value: new Float64Array(bytes.buffer, at(HEAD + 8 * n), n),
    path: new Uint32Array(bytes.buffer, at(HEAD + 16 * n), n),
    quality: new Uint8Array(bytes.buffer, at(HEAD + 20 * n), n),
    text: header.x?.length ? new Map(header.x) : undefined,
    reasons: header.r?.length ? new Map(header.r) : undefined,
  };
}

/** A block holding these rows (records of the older form, a slice of a write). */
export function blockOf(rows: Row[]): RowBlock {
  const index = new Map<string, number>();
  const paths: string[] = [];
  const n = rows.length;
  const b: RowBlock = {
    count: n,
    paths,
    path: new Uint32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    quality: new Uint8Array(n),
    text: new Map(),
    reasons: new Map(),
  };
  rows.forEach(([p, ts, value, text, quality, reason], i) => {
    let k = index.get(p);
    if (k === undefined) index.set(p, k = paths.push(p) - 1);
    b.path[i] = k;
    b.ts[i] = ts;
    b.value[i] = value ?? NaN;
    b.quality[i] = quality;
    if (text !== null) b.text!.set(i, text);
    if (reason !== null) b.reasons!.set(i, reason);
  });
  return b;
}

/** The rows of a block. */
export function rowsOf(b: RowBlock): Row[] {
  const out: Row[] = new Array(b.count);
  for (let i = 0; i < b.count; i++) {
    const v = b.value[i];
    out[i] = [
      b.paths[b.path[i]],
      b.ts[i],
      Number.isNaN(v) ? null : v,
      b.text?.get(i) ?? null,
      b.quality[i],
      b.reasons?.get(i) ?? null,
    ];
  }
  return out;
}

/** What one write holds: blocks as read from the buffer, rows made from them only when asked. */
export class Rows {
  readonly length: number;
  #rows: Row[] | undefined;

  constructor(readonly blocks: RowBlock[]) {
    this.length = blocks.reduce((n, b) => n + b.count, 0);
  }

  static of(rows: Row[]): Rows {
    const r = new Rows([blockOf(rows)]);
    r.#rows = rows;
    return r;
  }

  /** Every row, in order (made once). */
  all(): Row[] {
    return this.#rows ??= this.blocks.flatMap(rowsOf);
  }

  slice(from: number, to?: number): Rows {
    return Rows.of(this.all().slice(from, to));
  }
}
