import { BatchBuilder, type SampleBatch } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import type { Output } from "../src/runtime/actor.ts";
import type { Counters } from "../src/runtime/messages.ts";
import type { Reading } from "./opcua_values.ts";

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
  ) {
    this.#builder = new BatchBuilder(output.source, Math.max(1, Math.min(MAX_BATCH, tags)));
    this.#downSince = new Float64Array(tags);
  }

  /** Adds one tag's reading to the current batch. */
  push(tag: number, r: Reading): void {
    let ts = r.ts;
    const down = this.#downSince[tag];
    if (down > 0 && r.quality !== Quality.bad) {
      // An unchanged value keeps its old source time; after a gap it is news as of now.
      if (ts <= down) ts = Date.now();
      this.#downSince[tag] = 0;
    }
    if (typeof r.value === "string") this.#builder.pushText(tag, ts, r.value, r.quality, r.reason);
    else this.#builder.push(tag, ts, r.value, r.quality, r.reason);
    this.counters.samples_in++;
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
      this.push(tag, { ts: now, value: NaN, quality: Quality.bad, reason });
      this.#downSince[tag] = now;
    }
  }

  /** Sends what has been collected; resolves once everything pending was handed over. */
  flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#builder.count > 0) this.#cut();
    this.#sending ??= this.#drain().finally(() => this.#sending = undefined);
    return this.#sending;
  }

  #cut(): void {
    this.#pending.push(this.#builder.build());
    while (this.#pending.length > MAX_PENDING) {
      this.counters.dropped += this.#pending.shift()!.count;
    }
  }

  async #drain(): Promise<void> {
    for (let batch = this.#pending.shift(); batch; batch = this.#pending.shift()) {
      await this.output.send(batch);
    }
  }
}
