// The OPC UA device's per-sample path: 10,000 notified DataValues (Good Doubles with source
// timestamps) mapped into batches, against the bare loop a client needs to look at each value.
import { DataType, DataValue, Variant } from "node-opcua";
import type { SampleBatch } from "../src/model/batch.ts";
import type { Output } from "../src/runtime/actor.ts";
import { zeroCounters } from "../src/runtime/messages.ts";
import { Emitter } from "../actors/opcua/emit.ts";

const N = 10_000;
const now = Date.now();
const values = Array.from({ length: N }, (_, i) =>
  new DataValue({
    value: new Variant({ dataType: DataType.Double, value: i * 0.5 }),
    sourceTimestamp: new Date(now - 500),
    serverTimestamp: new Date(now - 400),
  }));
const output = { source: 1, send: (_b: SampleBatch) => Promise.resolve() } as unknown as Output;
const emit = new Emitter(output, zeroCounters(), N);

Deno.bench(
  "10,000 notifications through the emitter into batches",
  { group: "opcua" },
  async () => {
    for (let i = 0; i < N; i++) emit.notified(i, values[i], "source");
    await emit.flush();
  },
);

let sink = 0;
Deno.bench("10,000 notifications read by a bare loop", { group: "opcua", baseline: true }, () => {
  for (let i = 0; i < N; i++) {
    const dv = values[i];
    sink += (dv.value.value as number) + (dv.sourceTimestamp?.getTime() ?? 0);
  }
});
