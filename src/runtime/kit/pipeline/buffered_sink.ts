import type { SampleBatch } from "../../../model/batch.ts";
import type { ActorContext } from "../../actor.ts";
import { DiskBuffer } from "../../disk_buffer.ts";
import { Turns } from "../../turns.ts";
import { encodeBlock, type Row, type Rows } from "./block.ts";
import { drainBuffer } from "./drain.ts";
import { deadLetter } from "../dead_letter.ts";

import type { PipelineOptions, SinkWriter } from "./writer.ts";

export type { PipelineOptions, Row, Rows, SinkWriter };
export type { Verdict } from "./writer.ts";

/**
 * Opens an actor's disk buffer from its `buffer` config; the default directory is
 * data/buffer/<id>. A full disk makes the actor degraded with the reason (logged, `disk_full` 1)
 * until appends go on; meanwhile the states the actor reports (its connection's) keep that
 * reason first, so "running" never hides a stalled buffer.
 */
export async function openBuffer(
  ctx: Pick<ActorContext, "id" | "log" | "setState" | "counters">,
  cfg: PipelineOptions["buffer"],
): Promise<{ dir: string; buffer: DiskBuffer }> {
  const dir = cfg.dir ?? `data/buffer/${ctx.id}`;
  const report = ctx.setState.bind(ctx);
  let stall: string | undefined;
  let own: { state: "running" | "degraded"; reason?: string } = { state: "running" };
  const decide = () => {
    if (!stall) return report(own.state, own.reason);
    report("degraded", own.state === "degraded" && own.reason ? `${stall}; ${own.reason}` : stall);
  };
  ctx.setState = (state, reason) => {
    own = { state, reason };
    decide();
  };
  const buffer = await DiskBuffer.open({
    dir,
    maxBytes: cfg.max_bytes,
    segmentBytes: cfg.segment_bytes,
    whenFull: cfg.when_full,
    fsync: cfg.fsync,
    fsyncIntervalMs: cfg.fsync_interval_ms,
    onStall: (reason) => {
      stall = reason;
      ctx.counters.disk_full = reason ? 1 : 0;
      ctx.log(reason ? "warn" : "info", reason ? "buffer stalled" : "buffer writing again", {
        reason,
        when_full: cfg.when_full,
      });
      decide();
    },
  });
  return { dir, buffer };
}

/**
 * Input → disk buffer → database. A batch taken from the input is acked once it is in the buffer (so
 * a database outage never holds the devices back until the buffer is full); the drain writes the
 * buffer oldest first in writes of up to max_samples, several at once, retrying with backoff
 * while the database is away, and dead-lettering rows it rejects for good, with the reason.
 * `taken` sees each batch as it is taken, before it is buffered (a sink keeping latest values).
 */
export async function runBufferedSink(
  ctx: ActorContext,
  opts: PipelineOptions,
  connect: () => Promise<SinkWriter>,
  taken?: (batch: SampleBatch) => void,
): Promise<void> {
  const { dir, buffer } = await openBuffer(ctx, opts.buffer);
  ctx.health.lagFrom(() => buffer.oldestAgeMs());
  let inputDone = false;
  let wake: (() => void) | undefined;
  const report = () => {
    Object.assign(ctx.counters, {
      buffer_bytes: buffer.bytes,
      buffer_records: buffer.pending,
      buffer_oldest_ms: buffer.oldestAgeMs(),
    });
    ctx.counters.dropped = buffer.dropped;
  };
  const size = new RecordSize();
  const writer = drainBuffer({
    ctx,
    opts,
    buffer,
    connect,
    inputDone: () => inputDone,
    onWait: (w) => wake = w,
    report,
    recordSamples: () => size.average,
    deadLetter: (rows, reason) => {
      ctx.log("warn", "rows dead-lettered", { rows: rows.length, reason });
      return deadLetter(ctx, dir, "sink", rows.length, reason, { rows });
    },
  });
  ctx.signal.addEventListener("abort", () => wake?.(), { once: true });
  const input = ctx.input!;
  const turns = new Turns(); // queued batches must not hold the drain's writes up
  for (let batch = await input.next(); batch; batch = await input.next()) {
    const { record, block } = encodeBlock(batch, ctx.tags);
    ctx.counters.samples_in += batch.count;
    taken?.(batch);
    size.add(batch.count);
    await buffer.append(record, Date.now(), block);
    input.ack();
    report();
    wake?.();
    await turns.pause();
  }
  inputDone = true;
  wake?.();
  await writer;
  await buffer.close();
}

/** Samples per buffered record, on average over the last ones appended (one batch = one record). */
class RecordSize {
  #avg = 0;
  add(samples: number): void {
    this.#avg = this.#avg === 0 ? samples : this.#avg + (samples - this.#avg) / 8;
  }
  /** 50 until a record was appended in this run (records recovered from disk: unknown). */
  get average(): number {
    return this.#avg === 0 ? 50 : Math.max(1, this.#avg);
  }
}
