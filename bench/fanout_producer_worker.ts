// A worker that sends `count` batches through the gateway's worker-side routing (Fanout, with the
// latest-value table kept as in a device worker) on a port to a sink's worker, as fast as the
// queue and credit allow, then ends the link.
import { BatchBuilder } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import { Fanout } from "../src/runtime/fanout.ts";
import { LatestWriter } from "../src/runtime/latest.ts";

interface Job {
  port: MessagePort;
  capacity: number;
  count: number;
  batchSize: number;
}

const scope = self as unknown as {
  onmessage: (e: MessageEvent<Job>) => void;
  postMessage(m: unknown): void;
  close(): void;
};

scope.onmessage = async (e: MessageEvent<Job>) => {
  const { port, capacity, count, batchSize } = e.data;
  const latest = new LatestWriter(() => {});
  const fanout = new Fanout({
    onTags: () => {},
    onBatch: (b) => latest.update(b),
    onReceipt: () => {},
  });
  const queue = { maxSamples: capacity * batchSize, whenFull: "block" as const };
  fanout.route(7, [{ id: "consumer", queue }]);
  fanout.attach("consumer", port, capacity, queue);
  const builder = new BatchBuilder(7, batchSize);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < batchSize; j++) builder.push(j, i, i * batchSize + j, Quality.good);
    const batch = builder.build();
    if (!fanout.tryPush(batch)) await fanout.push(batch);
  }
  await fanout.end();
  scope.postMessage({ done: true });
  scope.close();
};
