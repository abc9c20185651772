import { columns, type SampleBatch } from "../../../model/batch.ts";
import { Quality } from "../../../model/sample.ts";
import type { TagCatalog } from "../../frames.ts";
import type { TagMeta } from "../../../model/tag.ts";

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

/**
 * Per source, by tag index: the encode call that last saw the tag and its path's slot there, and
 * the path as JSON bytes (with the tag it was made for: a tag registered anew gets new bytes).
 */
interface Scratch {
  seen: Uint32Array;
  slot: Uint32Array;
  json: (Uint8Array | undefined)[];
  jsonOf: (TagMeta | undefined)[];
}
const scratch = new Map<number, Scratch>();
let call = 0;

/** The scratch of a source, grown to hold tag index `max`. */
function scratchOf(source: number, max: number): Scratch {
  let s = scratch.get(source);
  if (!s || s.seen.length <= max) {
    const size = Math.max(64, (max + 1) * 2);
    const seen = new Uint32Array(size), slot = new Uint32Array(size);
    if (s) seen.set(s.seen), slot.set(s.slot);
    scratch.set(source, s = { seen, slot, json: s?.json ?? [], jsonOf: s?.jsonOf ?? [] });
  }
  return s;
}

const OPEN = enc.encode('{"p":['), COMMA = 0x2c;

/**
 * Encodes a batch for the buffer, naming each row by the UNS path of its tag; also returns the
 * block the record decodes to (views over the record), so a reader served from memory need not
 * decode it. The header's JSON is put together from each path's JSON, made once per tag.
 */
export function encodeBlock(
  batch: SampleBatch,
  tags: TagCatalog,
): { record: Uint8Array; block: RowBlock } {
  const n = batch.count, c = columns(batch);
  const registered = tags.of(batch.source) ?? [];
  const paths: string[] = [], pathJson: Uint8Array[] = [];
  const slots = new Uint32Array(n);
  let maxTag = 0;
  for (let i = 0; i < n; i++) maxTag = Math.max(maxTag, c.tag[i]);
  const s = scratchOf(batch.source, maxTag);
  if (++call === 0xffffffff) s.seen.fill(0), call = 1;
  let jsonBytes = 0;
  for (let i = 0; i < n; i++) {
    const t = c.tag[i];
    if (s.seen[t] !== call) {
      const tag = registered[t];
      if (!tag) {
        throw new Error(`Cannot store: tag ${t} of source ${batch.source} was never registered`);
      }
      if (s.jsonOf[t] !== tag) s.json[t] = enc.encode(JSON.stringify(tag.path)), s.jsonOf[t] = tag;
      s.seen[t] = call;
      s.slot[t] = paths.push(tag.path) - 1;
      pathJson.push(s.json[t]!);
      jsonBytes += s.json[t]!.length;
    }
    slots[i] = s.slot[t];
  }
  const tail = enc.encode(
    "]" + (batch.text?.length ? `,"x":${JSON.stringify(batch.text)}` : "") +
      (batch.reasons?.length ? `,"r":${JSON.stringify(batch.reasons)}` : "") + "}",
  );
  const headerLength = OPEN.length + jsonBytes + Math.max(0, pathJson.length - 1) + tail.length;
  const record = new Uint8Array(HEAD + 21 * n + headerLength);
  const view = new DataView(record.buffer);
  record[0] = VERSION;
  view.setUint32(4, n);
  view.setUint32(8, headerLength);
  const ts = new Float64Array(record.buffer, HEAD, n);
  ts.set(c.ts.subarray(0, n));
  const value = new Float64Array(record.buffer, HEAD + 8 * n, n);
  value.set(c.value.subarray(0, n));
  for (const [i] of batch.text ?? []) value[i] = NaN;
  const path = new Uint32Array(record.buffer, HEAD + 16 * n, n);
  path.set(slots);
  const quality = new Uint8Array(record.buffer, HEAD + 20 * n, n);
  for (let i = 0; i < n; i++) quality[i] = Math.min(c.quality[i], Quality.bad);
  let at = HEAD + 21 * n;
  record.set(OPEN, at);
  at += OPEN.length;
  pathJson.forEach((j, k) => { // by hand: set() costs more than the copy of a few bytes
    if (k > 0) record[at++] = COMMA;
    for (let i = 0; i < j.length; i++) record[at++] = j[i];
  });
  record.set(tail, at);
  const block: RowBlock = {
    count: n,
    paths,
    ts,
    value,
    path,
    quality,
    text: batch.text?.length ? new Map(batch.text) : undefined,
    reasons: batch.reasons?.length ? new Map(batch.reasons) : undefined,
  };
  return { record, block };
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
