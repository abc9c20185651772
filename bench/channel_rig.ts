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
      this.#worker.postMessage({ type: "channel", port: port2, capacity }, [port2]);
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
 * The gateway's own path: a producer worker → the router in this thread → a consumer worker, with
 * credit on both hops. Resolves with samples/s for `samples` samples in batches of `batch`.
 */
export async function routerPath(samples: number, batch: number): Promise<number> {
  const { Router } = await import("../src/runtime/router.ts");
  const router = new Router(
    new Map([["producer", ["consumer"]]]),
    new Map([["consumer", { maxSamples: 64 * batch, whenFull: "block" as const }]]),
    64,
  );
  const consumer = new Worker(new URL("./consumer_worker.ts", import.meta.url), { type: "module" });
  const producer = new Worker(new URL("../tests/fixtures/producer_worker.ts", import.meta.url), {
    type: "module",
  });
  const toSink = new MessageChannel();
  router.attachSink("consumer", toSink.port2);
  consumer.postMessage({ type: "channel", port: toSink.port1, capacity: 64 }, [toSink.port1]);
  const done = new Promise((resolve) => consumer.onmessage = resolve);
  consumer.postMessage({ type: "expect", samples });
  const fromDevice = new MessageChannel();
  router.registerSource("producer", 7); // the fixture producer sends as source 7
  router.attachOutput("producer", fromDevice.port2, 64);
  const start = performance.now();
  producer.postMessage({
    port: fromDevice.port1,
    capacity: 64,
    count: samples / batch,
    batchSize: batch,
  }, [
    fromDevice.port1,
  ]);
  await done;
  const rate = samples / ((performance.now() - start) / 1000);
  router.detachOutput("producer");
  router.detachSink("consumer");
  producer.terminate();
  consumer.terminate();
  return rate;
}
