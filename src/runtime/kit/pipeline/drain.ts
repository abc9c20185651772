import type { ActorContext } from "../../actor.ts";
import { Backoff } from "../../backoff.ts";
import type { DiskBuffer } from "../../disk_buffer.ts";
import { type Chunk, ReadAhead } from "../../read_ahead.ts";
import { sleep } from "../sleep.ts";
import type { PipelineOptions, SinkWriter } from "./writer.ts";
import { decodeBlock, type Row, type RowBlock, Rows } from "./block.ts";

/** What the drain needs from the pipeline around it. */
export interface DrainParts {
  ctx: ActorContext;
  opts: PipelineOptions;
  buffer: DiskBuffer;
  connect: () => Promise<SinkWriter>;
  inputDone: () => boolean;
  /** Hands over a function the input side calls when it appended a record. */
  onWait: (wake: () => void) => void;
  report: () => void;
  /** Average samples per buffered record, to size writes. */
  recordSamples: () => number;
  deadLetter: (rows: Row[], reason: string) => Promise<void>;
}

/**
 * A write was rejected for good: finds the rows to blame by writing halves (the writers are
 * idempotent, so rows already in are not doubled), dead-letters exactly those with the reason and
 * lets the rest through. Throws when a half fails for a retryable reason.
 */
async function isolateRejected(
  db: SinkWriter,
  rows: Rows,
  err: unknown,
  p: DrainParts,
): Promise<void> {
  if (rows.length === 1) return await p.deadLetter(rows.all(), (err as Error).message);
  const mid = Math.ceil(rows.length / 2);
  for (const half of [rows.slice(0, mid), rows.slice(mid)]) {
    try {
      await db.write(half);
      p.ctx.counters.samples_out += half.length;
    } catch (e) {
      if (db.classify(e) !== "reject") throw e;
      await isolateRejected(db, half, e, p);
    }
  }
}

/**
 * Drains the buffer into the database, oldest first, with up to `max_in_flight` writes at once,
 * each on its own connection. Records leave the buffer in order, once their write and every
 * earlier one succeeded (rows the database rejects for good are found and dead-lettered alone).
 * A write that fails for a retryable reason stops new writes; once the others settled, everything
 * from it on is written again after a backoff — the writers are idempotent, so rows that did land
 * are not doubled.
 */
export async function drainBuffer(p: DrainParts): Promise<void> {
  const { ctx, opts, buffer } = p;
  const backoff = new Backoff({
    initialMs: opts.batch.retry.initial_ms,
    maxMs: opts.batch.retry.max_ms,
  });
  const writers: (SinkWriter | undefined)[] = new Array(opts.batch.max_in_flight).fill(undefined);
  const busy = new Set<number>();
  const retryAt: number[] = new Array(writers.length).fill(0);
  const reader = new ReadAhead(buffer);
  reader.onAcked = p.report;
  const writing = new Set<Promise<void>>();
  let failing = false;

  const write = async (slot: number, chunk: Chunk, rows: Rows) => {
    const db = writers[slot]!;
    /** A retryable failure: this connection goes, and the drain retries from this chunk. */
    const failed = (err: unknown) => {
      ctx.counters.retries = (ctx.counters.retries ?? 0) + 1;
      ctx.health.writeFailed(`Cannot write: ${(err as Error).message}`);
      writers[slot] = undefined;
      db.close().catch(() => {});
      failing = true;
    };
    const started = performance.now();
    try {
      await db.write(rows);
      ctx.counters.samples_out += rows.length;
      ctx.counters.batches = (ctx.counters.batches ?? 0) + 1;
      ctx.counters.batch_latency_ms = Math.round(performance.now() - started);
      reader.done(chunk);
      ctx.health.wrote();
      if (!failing) backoff.reset();
    } catch (err) {
      if (db.classify(err) === "reject") {
        await isolateRejected(db, rows, err, p).then(() => {
          reader.done(chunk);
          ctx.health.wrote();
        }, failed);
      } else {
        failed(err);
      }
    } finally {
      busy.delete(slot);
    }
  };

  const anySettled = () => Promise.race(writing);

  // Until all is written, or the sink is told to stop (removed by a reload): what is not written
  // by then stays in the buffer for its next run.
  const stop = ctx.signal;
  while (!stop.aborted && !(p.inputDone() && buffer.pending === 0 && reader.out.length === 0)) {
    if (failing) {
      // Let the other writes finish, then go back to the first failed one and retry from there.
      await Promise.all(writing);
      await reader.rewind();
      failing = false;
      await sleep(backoff.next(), stop);
      continue;
    }
    // A free connection, else a free slot that may try to connect (not one cooling down).
    const now = Date.now();
    let slot = writers.findIndex((w, i) => w && !busy.has(i));
    if (slot < 0) slot = writers.findIndex((w, i) => !w && !busy.has(i) && retryAt[i] <= now);
    if (slot < 0) {
      if (writing.size > 0) await anySettled();
      else await sleep(Math.max(1, Math.min(...retryAt) - now), stop);
      continue;
    }
    if (!writers[slot]) {
      // Connect up front (and after a failure), so health shows the database's state at once.
      try {
        writers[slot] = await p.connect();
        ctx.setState("running");
      } catch (err) {
        ctx.counters.retries = (ctx.counters.retries ?? 0) + 1;
        retryAt[slot] = Date.now() + backoff.next();
        // Degraded only when no connection is left: one extra connection refused is no outage.
        if (writers.every((w) => !w)) {
          ctx.setState("degraded", `Cannot connect: ${(err as Error).message}`);
        }
        continue;
      }
    }
    const perWrite = Math.max(1, Math.floor(opts.batch.max_samples / p.recordSamples()));
    const unread = reader.unread;
    if (unread <= 0) {
      if (writing.size > 0) await anySettled();
      else if (!p.inputDone() && reader.outRecords === 0) {
        await new Promise<void>((resolve) => p.onWait(resolve));
      } else {
        await reader.acked();
        await sleep(5);
      }
      continue;
    }
    if (unread < perWrite && !p.inputDone() && reader.out.length === 0) {
      // Let a write fill up: until a full write waits, or max_linger_ms passed.
      const deadline = Date.now() + opts.batch.max_linger_ms;
      while (reader.unread < perWrite && !p.inputDone() && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deadline - Date.now());
          p.onWait(() => (clearTimeout(timer), resolve()));
        });
      }
    }
    const chunk = await reader.next(perWrite);
    if (!chunk) { // the counts are catching up with acks under way
      await sleep(5);
      continue;
    }
    const rows = new Rows(
      chunk.taken.records.map((r) => (r.memo as RowBlock | undefined) ?? decodeBlock(r.payload)),
    );
    busy.add(slot);
    const w = write(slot, chunk, rows);
    writing.add(w);
    w.finally(() => writing.delete(w));
  }
  if (stop.aborted) await Promise.allSettled(writing);
  else await reader.acked();
  await Promise.all(writers.map((w) => w?.close()));
}
