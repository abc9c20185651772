import type { SampleBatch } from "../model/batch.ts";
import { untilWoken } from "./wake.ts";

/** What a full queue does with a new batch: wait for room, or make room by dropping the oldest. */
import type { WhenFull } from "../model/fields.ts";

export type { WhenFull };

/** The queue settings of one sink (or transform) input. */
export interface SinkQueue {
  maxSamples: number;
  whenFull: WhenFull;
}

/**
 * The bounded queue in front of one sink, measured in samples. It lives in the sending worker, so it
 * outlives a sink worker's restart. A batch larger than the whole capacity is still taken when
 * the queue is empty, so nothing can wedge.
 */
export class Outbox {
  #items: SampleBatch[] = [];
  #samples = 0;
  #dropped = 0;
  #waiters: (() => void)[] = [];
  /** Called after each batch is queued, so a consumer can take it at once. */
  onPush: (() => void) | undefined;
  /** Called with each batch dropped to make room. */
  onDrop: ((batch: SampleBatch) => void) | undefined;

  constructor(readonly maxSamples: number, readonly whenFull: WhenFull) {}

  /** Samples queued. */
  get samples(): number {
    return this.#samples;
  }

  /** Batches queued. */
  get length(): number {
    return this.#items.length;
  }

  /** Samples dropped by drop_oldest since creation. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True when tryPush would take the batch now (there is room, or the policy makes room). */
  takes(batch: SampleBatch): boolean {
    return this.whenFull === "drop_oldest" || this.#fits(batch);
  }

  /** Queues a batch if that needs no waiting (room, or drop_oldest); false when it would block. */
  tryPush(batch: SampleBatch): boolean {
    while (!this.#fits(batch)) {
      if (this.whenFull !== "drop_oldest") return false;
      const gone = this.#take()!;
      this.#dropped += gone.count;
      this.onDrop?.(gone);
    }
    this.#items.push(batch);
    this.#samples += batch.count;
    this.#notify();
    this.onPush?.();
    return true;
  }

  /** Queues a batch, waiting for room (block) or dropping the oldest (drop_oldest). */
  async push(batch: SampleBatch, signal?: AbortSignal): Promise<void> {
    while (!this.tryPush(batch)) await this.#change(signal);
  }

  /** Takes the oldest batch, if any. */
  shift(): SampleBatch | undefined {
    const batch = this.#take();
    if (batch) this.#notify();
    return batch;
  }

  /** Resolves once a batch is queued. */
  async whenNotEmpty(signal?: AbortSignal): Promise<void> {
    while (this.#items.length === 0) await this.#change(signal);
  }

  /** Resolves once the queue is empty. */
  async whenEmpty(signal?: AbortSignal): Promise<void> {
    while (this.#items.length > 0) await this.#change(signal);
  }

  #fits(batch: SampleBatch): boolean {
    return this.#items.length === 0 || this.#samples + batch.count <= this.maxSamples;
  }

  #take(): SampleBatch | undefined {
    const batch = this.#items.shift();
    if (batch) this.#samples -= batch.count;
    return batch;
  }

  #notify(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #change(signal?: AbortSignal): Promise<void> {
    return untilWoken((wake) => this.#waiters.push(wake), signal);
  }
}
