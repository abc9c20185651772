import type { WhenFull } from "../model/fields.ts";
import {
  encodeRecord,
  HEADER_BYTES,
  recordHeader,
  scanRecords,
  segmentName,
  type StoredRecord,
} from "./disk_segment.ts";
import { RecentRecords } from "./recent_records.ts";
import { before, type Cursor, type Peeked } from "./disk_cursor.ts";

export type { Cursor, Peeked };

/** Settings of a store-and-forward buffer. */
export interface DiskBufferOptions {
  dir: string;
  /** Bytes the buffer may hold on disk; then `whenFull` applies. */
  maxBytes: number;
  /** A new segment file starts past this size. */
  segmentBytes: number;
  /** block: append waits for acks to free room; drop_oldest: the oldest segment goes (counted). */
  whenFull: WhenFull;
  /** always: fsync every append; interval: every `fsyncIntervalMs`; never: leave it to the OS. */
  fsync: "always" | "interval" | "never";
  fsyncIntervalMs?: number;
  /** Bytes of the latest records also kept in memory for readers that keep up (default 16 MiB). */
  memoryBytes?: number;
  /** Called with the reason when appends stall on a full disk, and with undefined once they go on. */
  onStall?: (reason: string | undefined) => void;
}

const READ_CHUNK = 1 << 20;
/** Payloads from this size on are written after their header rather than copied behind it. */
const SEPARATE_WRITE = 16 << 10;
/** On a full disk, an append tries again after this long, or as soon as an ack frees room. */
const NO_SPACE_RETRY_MS = 1000;

/**
 * An append-only, checksummed on-disk queue, read back oldest first.
 *
 * On disk, in `dir`: segment files `<seq>.seg` (16 digits), each a run of records (a 16-byte
 * header with length, crc32 and timestamp, then the payload; see disk_segment.ts), and
 * `cursor.json`, the position of the first record not yet acked. A new segment starts past
 * `segmentBytes`; a segment is deleted once the cursor has moved past it.
 *
 * Durability: append writes synchronously, so once it resolves the record is in the operating
 * system's page cache and survives the process dying (`kill -9`) under any fsync policy. Power
 * loss is what fsync is for: "always" syncs every append before it resolves, "interval" every
 * `fsyncIntervalMs` (the last moments may be lost), "never" leaves it to the OS.
 *
 * The cursor is written to a temporary file and renamed over `cursor.json` (so it is never torn)
 * but not fsynced: after a power loss it may be older than the last ack, and the records between
 * are delivered again. That is safe because delivery is at least once by design and the sinks'
 * writes are idempotent (a replayed record adds nothing); a missing or unreadable cursor starts
 * from the oldest segment for the same reason. Segments are deleted after the cursor that
 * passed them was written (before it only when the disk has no room for the cursor).
 *
 * A full disk (ENOSPC) before `maxBytes`: the part of the record written is cut off again, the
 * buffer reports the stall (`stall`, `onStall`) and acts as when full: drop_oldest drops an older
 * segment, block waits for an ack or a second, then the append tries again.
 *
 * At open, a record cut off by a crash mid-write at the end of the last segment is truncated
 * away. A record that fails its checksum anywhere else ends its segment: the rest of that segment
 * is truncated and the segment counted in `corrupt`.
 */
export class DiskBuffer {
  #segments: { seq: number; size: number }[] = [];
  #cursor: Cursor = { seq: 0, offset: 0 };
  #writer: Deno.FsFile | undefined;
  #pendingRecords = 0;
  #pendingBytes = 0;
  #dropped = 0;
  #corrupt = 0;
  #oldestTs: number | undefined;
  #waiters: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #dirty = false;
  #recent: RecentRecords;
  #lastAtOpen: Uint8Array | undefined;
  #stall: string | undefined;

  private constructor(readonly opts: DiskBufferOptions) {
    this.#recent = new RecentRecords(opts.memoryBytes ?? 16 << 20);
  }

  /** Opens (or creates) a buffer directory, recovering what a crash left behind. */
  static async open(opts: DiskBufferOptions): Promise<DiskBuffer> {
    const b = new DiskBuffer(opts);
    await Deno.mkdir(opts.dir, { recursive: true });
    await b.#recover();
    if (opts.fsync === "interval") {
      b.#timer = setInterval(() => b.#syncIfDirty(), opts.fsyncIntervalMs ?? 1000);
    }
    return b;
  }

  /**
   * The last record not yet acked when the buffer was opened: what the previous run wrote last
   * (a writer that records more after each append can tell what it did not get to).
   */
  get lastAtOpen(): Uint8Array | undefined {
    return this.#lastAtOpen;
  }

  /** Records not yet acked. */
  get pending(): number {
    return this.#pendingRecords;
  }

  /** Bytes on disk not yet acked. */
  get bytes(): number {
    return this.#pendingBytes;
  }

  /** Records dropped by drop_oldest to make room (counted, never silently). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Segments found damaged at open (their tail from the bad record on was cut off). */
  get corrupt(): number {
    return this.#corrupt;
  }

  /** Age in ms of the oldest unacked record (0 when empty). */
  oldestAgeMs(now = Date.now()): number {
    return this.#oldestTs === undefined ? 0 : now - this.#oldestTs;
  }

  /**
   * Appends a record; resolves once it is on disk as the fsync policy says. `memo` (what the
   * record was made from) comes back with it to a reader served from memory. The write itself is
   * synchronous: a few KB into the page cache cost less than a round trip through the runtime's
   * thread pool, and the caller (an acknowledgement waiting on it) gets it at once. The buffer
   * keeps `payload` for readers: it must not change after the append.
   */
  async append(payload: Uint8Array, ts = Date.now(), memo?: unknown): Promise<void> {
    const length = HEADER_BYTES + payload.length;
    for (;;) {
      while (this.#pendingBytes + length > this.opts.maxBytes && this.#pendingRecords > 0) {
        if (this.opts.whenFull === "drop_oldest") await this.#dropOldest();
        else await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
      let last = this.#segments.at(-1);
      if (
        !last || !this.#writer ||
        (last.size > 0 && last.size + length > this.opts.segmentBytes)
      ) {
        last = await this.#roll();
      }
      try {
        // A large payload goes in a write of its own rather than copied behind its header (a
        // crash between the two leaves a torn record, cut off at the next open like any other).
        if (payload.length >= SEPARATE_WRITE) {
          writeAll(this.#writer!, recordHeader(payload, ts));
          writeAll(this.#writer!, payload);
        } else writeAll(this.#writer!, encodeRecord(payload, ts));
      } catch (err) {
        if (!isNoSpace(err)) throw err;
        // The disk is full before the buffer is: what was written of the record goes, and the
        // buffer acts as if full (when_full) until a retry finds room.
        this.#writer!.truncateSync(last.size);
        await this.#stalled(`no space left on the disk of ${this.opts.dir}`);
        continue;
      }
      this.#recent.add(last.seq, last.size, last.size + length, ts, payload, memo);
      last.size += length;
      this.#pendingRecords++;
      this.#pendingBytes += length;
      this.#oldestTs ??= ts;
      if (this.#stall) this.#setStall(undefined);
      if (this.opts.fsync === "always") await this.#writer!.syncData();
      else this.#dirty = true;
      return;
    }
  }

  /** Why appends are waiting although the buffer has room (the disk is full); undefined if not. */
  get stall(): string | undefined {
    return this.#stall;
  }

  /** Disk full: drop the oldest (drop_oldest, when there is an older segment) or wait a while. */
  async #stalled(reason: string): Promise<void> {
    if (!this.#stall) this.#setStall(reason);
    if (this.opts.whenFull === "drop_oldest" && this.#segments.length > 1) {
      return await this.#dropOldest();
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, NO_SPACE_RETRY_MS);
      this.#waiters.push(() => (clearTimeout(timer), resolve()));
    });
  }

  #setStall(reason: string | undefined): void {
    this.#stall = reason;
    this.opts.onStall?.(reason);
  }

  /**
   * The oldest unacked records, up to `max` (at least one if any); or, with `from` (the `next` of
   * an earlier peek not yet acked), the records after those, so a reader can keep several peeks
   * in flight and ack them in order.
   */
  async peek(max: number, from?: Cursor): Promise<Peeked> {
    let cursor = from && before(this.#cursor, from) ? { ...from } : { ...this.#cursor };
    const held = this.#recent.from(cursor, max);
    if (held) return held;
    const records: Peeked["records"] = [];
    let bytes = 0;
    for (const seg of this.#segments) {
      if (seg.seq < cursor.seq) continue;
      if (seg.seq > cursor.seq) cursor = { seq: seg.seq, offset: 0 };
      while (records.length < max && cursor.offset < seg.size) {
        const chunk = await readChunk(
          this.#path(seg.seq),
          cursor.offset,
          Math.min(seg.size - cursor.offset, READ_CHUNK),
        );
        let found: StoredRecord[] = scanRecords(chunk, 0, max - records.length).records;
        if (found.length === 0) {
          // One record larger than the chunk: read exactly it.
          const length = new DataView(chunk.buffer, chunk.byteOffset).getUint32(0);
          found = scanRecords(
            await readChunk(this.#path(seg.seq), cursor.offset, HEADER_BYTES + length),
            0,
            1,
          ).records;
          if (found.length === 0) break;
        }
        for (const r of found) records.push({ ts: r.ts, payload: r.payload });
        const advanced = found.at(-1)!.end;
        bytes += advanced;
        cursor = { seq: seg.seq, offset: cursor.offset + advanced };
      }
      if (records.length >= max) break;
    }
    return { records, next: cursor, bytes };
  }

  /**
   * Removes what a peek returned, once its records were delivered: moves the cursor past them,
   * saves it, and deletes the segments it left behind; wakes appends waiting for room (block).
   */
  async ack(p: Peeked): Promise<void> {
    // Records dropped (drop_oldest) while they were peeked are already gone.
    if (p.records.length > 0 && before(this.#cursor, p.next)) {
      await this.#advance(p.next, p.records.length, p.bytes);
    }
  }

  async #advance(next: Cursor, records: number, bytes: number): Promise<void> {
    this.#cursor = next;
    this.#pendingRecords -= records;
    this.#pendingBytes -= bytes;
    this.#recent.dropBefore(next);
    try {
      await this.#saveCursor();
      await this.#removePassed();
    } catch (err) {
      if (!isNoSpace(err)) throw err;
      // No room for the new cursor: the segments behind it go first (an older cursor.json then
      // names a segment that is gone, and the next open starts at the oldest one left: replayed
      // records, never lost ones), and the cursor is written again at the next ack.
      await this.#removePassed();
      await this.#saveCursor().catch((e) => {
        if (!isNoSpace(e)) throw e;
      });
    }
    this.#oldestTs = this.#pendingRecords === 0
      ? undefined
      : this.#recent.tsAt(this.#cursor) ?? (await this.peek(1)).records[0]?.ts;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Syncs what the fsync policy left unsynced, and closes the segment being written. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#syncIfDirty();
    this.#writer?.close();
    this.#writer = undefined;
  }

  async #recover(): Promise<void> {
    const seqs: number[] = [];
    for await (const e of Deno.readDir(this.opts.dir)) {
      const m = /^(\d{16})\.seg$/.exec(e.name);
      if (m) seqs.push(Number(m[1]));
    }
    seqs.sort((a, b) => a - b);
    try {
      this.#cursor = JSON.parse(await Deno.readTextFile(`${this.opts.dir}/cursor.json`));
    } catch {
      this.#cursor = { seq: seqs[0] ?? 0, offset: 0 };
    }
    for (const seq of seqs) {
      const path = this.#path(seq);
      if (seq < this.#cursor.seq) {
        await Deno.remove(path).catch(() => {});
        continue;
      }
      const bytes = await Deno.readFile(path);
      const from = seq === this.#cursor.seq ? this.#cursor.offset : 0;
      const { records, validEnd, damaged } = scanRecords(bytes, from);
      if (damaged) {
        // The last segment's tail is a write cut off by a crash; elsewhere it is damage.
        if (seq !== seqs.at(-1)) this.#corrupt++;
        await Deno.truncate(path, validEnd);
      }
      this.#segments.push({ seq, size: validEnd });
      this.#pendingRecords += records.length;
      this.#pendingBytes += validEnd - from;
      this.#oldestTs ??= records[0]?.ts;
      if (records.length > 0) this.#lastAtOpen = records[records.length - 1].payload;
    }
    const last = this.#segments.at(-1);
    if (last) this.#writer = await Deno.open(this.#path(last.seq), { append: true });
  }

  async #removePassed(): Promise<void> {
    for (const seg of this.#segments.filter((s) => s.seq < this.#cursor.seq)) {
      await Deno.remove(this.#path(seg.seq)).catch(() => {});
    }
    this.#segments = this.#segments.filter((s) => s.seq >= this.#cursor.seq);
  }

  async #roll(): Promise<{ seq: number; size: number }> {
    await this.#syncIfDirty();
    this.#writer?.close();
    const seq = (this.#segments.at(-1)?.seq ?? this.#cursor.seq - 1) + 1;
    this.#writer = await Deno.open(this.#path(seq), { create: true, append: true });
    const seg = { seq, size: 0 };
    this.#segments.push(seg);
    return seg;
  }

  async #dropOldest(): Promise<void> {
    if (this.#segments.length === 1) await this.#roll();
    const oldest = this.#segments[0];
    const n = await this.#countFrom(oldest.seq);
    this.#dropped += n.records;
    await this.#advance({ seq: oldest.seq + 1, offset: 0 }, n.records, n.bytes);
  }

  async #countFrom(seq: number): Promise<{ records: number; bytes: number }> {
    const from = seq === this.#cursor.seq ? this.#cursor.offset : 0;
    const { records, validEnd } = scanRecords(await Deno.readFile(this.#path(seq)), from);
    return { records: records.length, bytes: validEnd - from };
  }

  /** Writes the cursor atomically (rename), without fsync: see the class comment for why. */
  async #saveCursor(): Promise<void> {
    const tmp = `${this.opts.dir}/cursor.json.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(this.#cursor));
    await Deno.rename(tmp, `${this.opts.dir}/cursor.json`);
  }

  async #syncIfDirty(): Promise<void> {
    if (!this.#dirty || !this.#writer) return;
    this.#dirty = false;
    await this.#writer.syncData();
  }

  #path(seq: number): string {
    return `${this.opts.dir}/${segmentName(seq)}`;
  }
}

/** ENOSPC or EDQUOT: the file system (or the user's quota) has no room. */
function isNoSpace(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "ENOSPC" || code === "EDQUOT" ||
    /No space left|quota exceeded/i.test(String(err));
}

function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += file.writeSync(bytes.subarray(at));
}

async function readChunk(path: string, offset: number, length: number): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  await file.seek(offset, Deno.SeekMode.Start);
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = await file.read(out.subarray(got));
    if (n === null) break;
    got += n;
  }
  return out.subarray(0, got);
}
