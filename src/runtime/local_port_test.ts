import assert from "node:assert/strict";
import { localPorts } from "./local_port.ts";
import { ChannelReceiver, ChannelSender } from "./channel.ts";

const received = (port: ReturnType<typeof localPorts>[0]) => {
  const got: unknown[] = [];
  port.onmessage = (e) => got.push(e.data);
  return got;
};

Deno.test("a local pair delivers each message itself, in order, after the sender's task", async () => {
  const [a, b] = localPorts();
  const got = received(b), back = received(a);
  const item = { buf: new ArrayBuffer(8) };
  a.postMessage(item);
  a.postMessage("second");
  b.postMessage("reply");
  assert.deepEqual(got, [], "not delivered while the sender runs");
  await Promise.resolve();
  assert.equal(got[0], item, "the same object, not a copy");
  assert.deepEqual(got.slice(1), ["second"]);
  assert.deepEqual(back, ["reply"]);
});

Deno.test("a closed end: what it posted before still arrives, what is posted to it is dropped", async () => {
  const [a, b] = localPorts();
  const got = received(b), back = received(a);
  a.postMessage("last");
  a.close();
  a.postMessage("after close");
  b.postMessage("to a closed end");
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(got, ["last"]);
  assert.deepEqual(back, []);
});

Deno.test("a channel over a local pair: credit bounds what is in flight and comes back on ack", async () => {
  const [a, b] = localPorts();
  const sender = new ChannelSender<number>(a, 2);
  const receiver = new ChannelReceiver<number>(b);
  assert.equal(sender.trySend(1), true);
  assert.equal(sender.trySend(2), true);
  assert.equal(sender.trySend(3), false, "no credit left");
  assert.equal(await receiver.next(), 1);
  assert.equal(await receiver.next(), 2);
  receiver.ack();
  assert.equal(sender.credit, 1, "one ack, one credit");
  await sender.send(3);
  sender.end();
  assert.equal(await receiver.next(), 3);
  assert.equal(await receiver.next(), undefined, "the end arrives after the data");
});
