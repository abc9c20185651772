import { BatchBuilder } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import { type BatchSender, batchSender } from "../src/runtime/frames.ts";

/** Samples per iteration, per batch size (fewer for batch 1 so an iteration stays short). */
export const SAMPLES: Record<number, number> = { 1: 20_000, 100: 200_000, 1000: 1_000_000 };

/** How samples cross the worker boundary in a bench run. */
export type Mode = "channel" | "objects";

/** A consumer worker and the producing end in this thread, for one mode. */
export class ChannelRig {
  #worker = new Worker(new URL("./consumer_worker.ts", import.meta.url), { type: "module" });
  #sender: BatchSender | undefined;

  constructor(readonly mode: Mode, capacity = 64) {
    if (mode === "channel") {
      const { port1, port2 } = new MessageChannel();
      this.#sender = batchSender(port1, capacity);
      this.#worker.postMessage({ type: "channel", port: port2 }, [port2]);
    }
  }

  /** Produces `samples` samples in batches of `batch` and resolves once the worker has them all. */
  async run(samples: number, batch: number): Promise<void> {
    const done = new Promise((resolve) => this.#worker.onmessage = resolve);
    this.#worker.postMessage({ type: "expect", samples });
    const builder = new BatchBuilder(0, batch);
    let ts = Date.now();
    for (let sent = 0; sent < samples; sent += batch) {
      if (this.#sender) {
        for (let i = 0; i < batch; i++) builder.push(i, ts, i * 0.5, Quality.good);
        const b = builder.build();
        if (!this.#sender.trySend(b)) await this.#sender.send(b);
      } else {
        const rows = new Array(batch);
        for (let i = 0; i < batch; i++) {
          rows[i] = { tag: i, ts, value: i * 0.5, quality: Quality.good };
        }
        this.#worker.postMessage({ type: "objects", rows });
      }
      ts++;
    }
    await done;
  }

  close(): void {
    this.#sender?.close();
    this.#worker.terminate();
  }
}

/**
 * The gateway's own path: a device worker's routing (Fanout) → a sink worker's input
 * (MergedInput), on one port with credit. Resolves with samples/s for `samples` samples in
 * batches of `batch`.
 */
export async function gatewayPath(samples: number, batch: number): Promise<number> {
  const consumer = new Worker(new URL("./consumer_worker.ts", import.meta.url), { type: "module" });
  const producer = new Worker(new URL("../tests/fixtures/producer_worker.ts", import.meta.url), {
    type: "module",
  });
  const ch = new MessageChannel();
  consumer.postMessage({ type: "merged", port: ch.port2 }, [ch.port2]);
  const done = new Promise((resolve) => consumer.onmessage = resolve);
  consumer.postMessage({ type: "expect", samples });
  const start = performance.now();
  producer.postMessage({
    port: ch.port1,
    capacity: 64,
    count: samples / batch,
    batchSize: batch,
    fanout: true,
  }, [
    ch.port1,
  ]);
  await done;
  const rate = samples / ((performance.now() - start) / 1000);
  producer.terminate();
  consumer.terminate();
  return rate;
}
