import type { Cursor, DiskBuffer, Peeked } from "./disk_buffer.ts";

/** Records read ahead of the acks: where they start, and whether they were delivered. */
export interface Chunk {
  readonly from: Cursor | undefined;
  readonly taken: Peeked;
  done: boolean;
}

/**
 * Reads a disk buffer ahead of its acks, so several chunks can be out at once (in flight to the
 * sinks, or in writes to a database), and acks them strictly in order: a chunk leaves the buffer
 * once it and every chunk before it were delivered. After a failure, `rewind` reads everything not
 * yet acked again.
 */
export class ReadAhead {
  #out: Chunk[] = [];
  #outRecords = 0; // records in chunks not yet acked
  #readFrom: Cursor | undefined;
  #acking = Promise.resolve();
  /** Called after each ack reached the disk. */
  onAcked: (() => void) | undefined;

  constructor(private readonly buffer: DiskBuffer) {}

  /** Records in the buffer not yet read into a chunk. */
  get unread(): number {
    return this.buffer.pending - this.#outRecords;
  }

  /** Records in chunks out and not yet acked. */
  get outRecords(): number {
    return this.#outRecords;
  }

  /** Chunks out and not yet acked, oldest first. */
  get out(): readonly Chunk[] {
    return this.#out;
  }

  /** The next chunk of up to `max` records; undefined while the counts catch up with an ack. */
  async next(max: number): Promise<Chunk | undefined> {
    const taken = await this.buffer.peek(max, this.#readFrom);
    if (taken.records.length === 0) {
      await this.#acking;
      return undefined;
    }
    const chunk: Chunk = { from: this.#readFrom, taken, done: false };
    this.#readFrom = taken.next;
    this.#outRecords += taken.records.length;
    this.#out.push(chunk);
    return chunk;
  }

  /** Marks a chunk delivered; the delivered chunks at the front leave the buffer. */
  done(chunk: Chunk): void {
    chunk.done = true;
    while (this.#out[0]?.done) {
      const { taken } = this.#out.shift()!;
      this.#acking = this.#acking.then(async () => {
        await this.buffer.ack(taken);
        this.#outRecords -= taken.records.length;
        this.onAcked?.();
      });
    }
  }

  /** Forgets every chunk out and reads from the first of them again; returns their records. */
  async rewind(): Promise<number> {
    await this.#acking;
    if (this.#out.length === 0) return 0;
    this.#readFrom = this.#out[0].from;
    const records = this.#out.splice(0).reduce((n, c) => n + c.taken.records.length, 0);
    this.#outRecords -= records;
    return records;
  }

  /** Resolves once the acks so far are on disk. */
  acked(): Promise<void> {
    return this.#acking;
  }
}
