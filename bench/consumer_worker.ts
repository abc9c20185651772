// Bench consumer: takes batches (through the credit channel, or as cloned object arrays), touches
// every value, and reports when the expected number of samples arrived.
import { columns } from "../src/model/batch.ts";
import { batchReceiver } from "../src/runtime/frames.ts";
import { MergedInput } from "../src/runtime/merged_input.ts";

type Msg =
  | { type: "channel"; port: MessagePort }
  | { type: "merged"; port: MessagePort }
  | { type: "expect"; samples: number }
  | { type: "objects"; rows: { tag: number; ts: number; value: number; quality: number }[] };

const scope = self as unknown as {
  onmessage: (e: MessageEvent<Msg>) => void;
  postMessage(m: unknown): void;
};
let expected = Infinity;
let seen = 0;
let sum = 0;

const count = (n: number) => {
  seen += n;
  if (seen >= expected) {
    scope.postMessage({ done: seen, sum });
    seen = 0;
    expected = Infinity;
  }
};

scope.onmessage = async (e) => {
  const msg = e.data;
  if (msg.type === "expect") {
    expected = msg.samples;
    count(0);
  } else if (msg.type === "objects") {
    for (const r of msg.rows) sum += r.value;
    count(msg.rows.length);
  } else {
    const receiver = msg.type === "merged"
      ? new MergedInput(() => {})
      : batchReceiver(msg.port, () => {});
    if (receiver instanceof MergedInput) {
      receiver.add("producer", msg.port);
      receiver.end();
    }
    for (let b = await receiver.next(); b; b = await receiver.next()) {
      const v = columns(b).value;
      for (let i = 0; i < b.count; i++) sum += v[i];
      receiver.ack();
      count(b.count);
    }
  }
};
