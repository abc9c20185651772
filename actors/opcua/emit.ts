import { BatchBuilder, type SampleBatch } from "../../src/model/batch.ts";
import { Quality, type QualityCode } from "../../src/model/sample.ts";
import type { Counters, Health, Output } from "../../src/runtime/kit.ts";
import { changeLatency } from "./latency.ts";
import type { DataValue } from "node-opcua";
import { type Reading, readingOf, timeOf } from "./values.ts";

/** Batches waiting for credit beyond this are dropped oldest first (and counted). */
const MAX_PENDING = 64;
/** Rows per batch at most: a 10,000-item publish goes out as a few batches. */
const MAX_BATCH = 4096;

/**
 * Collects the samples of one device as they are notified and sends them as batches: the samples
 * of one burst (a publish response, a poll) leave together once the burst is over. Sends wait for
 * credit; what piles up meanwhile is bounded. Also remembers which tags were marked bad for an
 * outage, so the first value after it is never dated before the outage began.
 */
export class Emitter {
  readonly #builder: BatchBuilder;
  readonly #pending: SampleBatch[] = [];
  readonly #downSince: Float64Array;
  #scheduled = false;
  #sending: Promise<void> | undefined;

  constructor(
    private readonly output: Output,
    private readonly counters: Counters,
    tags: number,
    /** Told every reading, so the runtime judges the device's health. */
    private readonly health?: Health,
  ) {
    this.#builder = new BatchBuilder(output.source, Math.max(1, Math.min(MAX_BATCH, tags)));
    this.#downSince = new Float64Array(tags);
  }

  /**
   * Adds a notified value: the common case (Good, a number or a boolean) goes straight into the
   * batch, anything else through the general mapping. Counts its change-to-sample latency.
   */
  notified(tag: number, dv: DataValue, timestamp: "source" | "server" | "gateway"): void {
    const now = Date.now();
    const v = dv.value.value;
    if (dv.statusCode.value === 0 && (typeof v === "number" || typeof v === "boolean")) {
      const ts = timeOf(dv, timestamp, now);
      changeLatency.observe(this.counters, now - ts);
      const value = typeof v === "number" ? v : v ? 1 : 0;
      this.health?.reading(tag, value, Quality.good, undefined, now);
      this.#add(tag, ts, value, Quality.good, undefined);
    } else {
      const r = readingOf(dv, timestamp, now);
      if (r.quality !== Quality.bad) changeLatency.observe(this.counters, now - r.ts);
      this.push(tag, r);
    }
  }

  /** Adds one tag's reading to the current batch. */
  push(tag: number, r: Reading): void {
    this.health?.reading(tag, r.value, r.quality, r.reason, Date.now());
    if (typeof r.value === "string") this.#addText(tag, r.ts, r.value, r.quality, r.reason);
    else this.#add(tag, r.ts, r.value, r.quality, r.reason);
  }

  #add(tag: number, ts: number, value: number, quality: QualityCode, reason?: string): void {
    this.#builder.push(tag, this.#after(tag, ts, quality), value, quality, reason);
    this.#added();
  }

  #addText(tag: number, ts: number, text: string, quality: QualityCode, reason?: string): void {
    this.#builder.pushText(tag, this.#after(tag, ts, quality), text, quality, reason);
    this.#added();
  }

  /** An unchanged value keeps its old source time; after a gap it is news as of now. */
  #after(tag: number, ts: number, quality: QualityCode): number {
    const down = this.#downSince[tag];
    if (down === 0 || quality === Quality.bad) return ts;
    this.#downSince[tag] = 0;
    return ts <= down ? Date.now() : ts;
  }

  #added(taken = true): void {
    if (taken) this.counters.samples_in++;
    if (this.#builder.full) this.#cut();
    if (!this.#scheduled) {
      this.#scheduled = true;
      setTimeout(() => this.flush(), 0);
    }
  }

  /** Marks tags bad (no value) because the connection is gone, once per outage. */
  markDown(tags: Iterable<number>, reason: string): void {
    const now = Date.now();
    for (const tag of tags) {
      if (this.#downSince[tag] > 0) continue;
      this.health?.reading(tag, NaN, Quality.bad, reason, now);
      this.#builder.push(tag, now, NaN, Quality.bad, reason);
      this.#added(false);
      this.#downSince[tag] = now;
    }
  }

  /** Sends what has been collected; resolves once everything pending was handed over. */
  flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#builder.count > 0) this.#cut();
    // #drain awaits before it can finish, so #sending is set before #drain clears it.
    if (!this.#sending && this.#pending.length > 0) this.#sending = this.#drain();
    return this.#sending ?? Promise.resolve();
  }

  #cut(): void {
    this.#pending.push(this.#builder.build());
    while (this.#pending.length > MAX_PENDING) {
      this.counters.dropped += this.#pending.shift()!.count;
    }
  }

  async #drain(): Promise<void> {
    try {
      for (let batch = this.#pending.shift(); batch; batch = this.#pending.shift()) {
        await this.output.send(batch);
      }
    } finally {
      // Cleared in the same turn as the last look at the queue, so no batch is left behind.
      this.#sending = undefined;
    }
  }
}
