import assert from "node:assert/strict";
import { columns } from "../model/batch.ts";
import { sleep as delay } from "./kit/sleep.ts";
import { batchReceiver } from "./frames.ts";
import { ChannelReceiver, ChannelSender } from "./channel.ts";

const producerUrl = new URL("../../tests/fixtures/producer_worker.ts", import.meta.url);

Deno.test("a slow consumer makes a producer in another worker wait; depth never exceeds capacity", async () => {
  const capacity = 4, count = 40, batchSize = 100;
  const worker = new Worker(producerUrl, { type: "module" });
  const report = new Promise<{ waited: number }>((resolve) =>
    worker.onmessage = (e) => resolve(e.data)
  );
  const { port1, port2 } = new MessageChannel();
  const receiver = batchReceiver(port1, () => {});
  worker.postMessage({ port: port2, capacity, count, batchSize }, [port2]);
  const firsts: number[] = [];
  for (let batch = await receiver.next(); batch; batch = await receiver.next()) {
    assert.ok(receiver.depth <= capacity, `depth ${receiver.depth} > capacity ${capacity}`);
    firsts.push(columns(batch).value[0]);
    await delay(5); // the slow part
    receiver.ack();
  }
  const { waited } = await report;
  assert.equal(firsts.length, count, "every batch arrives");
  assert.deepEqual(firsts, Array.from({ length: count }, (_, i) => i * batchSize), "in order");
  assert.ok(receiver.maxDepth <= capacity, `max depth ${receiver.maxDepth} > ${capacity}`);
  assert.equal(receiver.maxDepth, capacity, "the producer filled the window");
  assert.ok(waited >= count - capacity - 1, `producer waited only ${waited} times`);
  receiver.close();
});

Deno.test("trySend refuses without credit and succeeds once the receiver acks", async () => {
  const { port1, port2 } = new MessageChannel();
  const sender = new ChannelSender<number>(port1, 2);
  const receiver = new ChannelReceiver<number>(port2);
  assert.equal(sender.trySend(1), true);
  assert.equal(sender.trySend(2), true);
  assert.equal(sender.trySend(3), false, "no credit left");
  assert.equal(await receiver.next(), 1);
  receiver.ack();
  await sender.waitForCredit();
  assert.equal(sender.trySend(3), true);
  assert.equal(await receiver.next(), 2);
  assert.equal(await receiver.next(), 3);
  assert.throws(() => receiver.ack(3), /only 2 unacked/);
  sender.end();
  assert.equal(await receiver.next(), undefined, "end after the last item");
  receiver.close();
});

Deno.test("control messages arrive in order with data and cost no credit", async () => {
  const { port1, port2 } = new MessageChannel();
  const sender = new ChannelSender<string, string>(port1, 1);
  const seen: string[] = [];
  const receiver = new ChannelReceiver<string, string>(port2, {
    onControl: (c) => seen.push(`c:${c}`),
  });
  sender.control("a");
  assert.equal(sender.trySend("x"), true);
  sender.control("b");
  assert.equal(sender.credit, 0);
  seen.push(`d:${await receiver.next()}`);
  receiver.ack();
  sender.end();
  assert.equal(await receiver.next(), undefined);
  assert.deepEqual(seen, ["c:a", "d:x", "c:b"], "in the order sent");
  receiver.close();
});

Deno.test("a waiting send rejects when its signal aborts", async () => {
  const { port1, port2 } = new MessageChannel();
  const sender = new ChannelSender<number>(port1, 1);
  sender.trySend(1);
  const ac = new AbortController();
  const pending = sender.send(2, ac.signal);
  ac.abort(new Error("gave up"));
  await assert.rejects(pending, /gave up/);
  sender.close();
  port2.close();
});

/** Waits (polling) until `ok()` holds; a guard against hanging, not a timing assertion. */
async function until(ok: () => boolean, what: string) {
  for (let i = 0; !ok(); i++) {
    assert.ok(i < 2000, `gave up waiting for ${what}`);
    await delay(5);
  }
}

Deno.test("coalescing: items sent close together cross as one message, in order, after the first", async () => {
  const { port1, port2 } = new MessageChannel();
  const sender = new ChannelSender<number, string>(port1, 8, () => [], 30);
  const wire: unknown[] = [];
  port2.onmessage = (e) => wire.push(e.data);
  for (const n of [1, 2, 3]) assert.equal(sender.trySend(n), true);
  assert.equal(sender.credit, 5, "held items took their credit");
  await until(() => wire.length >= 3, "the held items");
  assert.equal((wire.shift() as { t: string }).t, "a", "the ack counter's memory goes first");
  assert.deepEqual(wire, [{ t: "d", v: 1 }, { t: "D", v: [2, 3] }], "the first left at once");
  sender.trySend(4);
  sender.control("tags"); // a control message must not overtake held data
  sender.trySend(5);
  sender.end();
  await until(() => wire.length >= 6, "the rest");
  assert.deepEqual(wire.slice(2), [
    { t: "d", v: 4 },
    { t: "x", v: "tags" },
    { t: "d", v: 5 },
    { t: "end" },
  ]);
  port2.close();
});

Deno.test("coalesced items are queued and acked one by one; credit is back without a message", async () => {
  const { port1, port2 } = new MessageChannel();
  const sender = new ChannelSender<number>(port1, 8, () => [], 20);
  const receiver = new ChannelReceiver<number>(port2);
  const returns: number[] = [];
  sender.onCredit = (n) => returns.push(n);
  for (let n = 0; n < 8; n++) assert.equal(sender.trySend(n), true);
  assert.equal(sender.trySend(8), false, "no credit left");
  const got: number[] = [];
  for (let i = 0; i < 8; i++) {
    got.push((await receiver.next())!);
    receiver.ack();
    assert.equal(sender.credit, i + 1, "the ack's credit is there at once");
  }
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(returns, [1, 1, 1, 1, 1, 1, 1, 1], "seen one ack at a time, as they came");
  sender.close();
  receiver.close();
});

Deno.test("a sender waiting for credit is woken by an ack made later; close ends the wait", async () => {
  const { port1, port2 } = new MessageChannel();
  const sender = new ChannelSender<number>(port1, 1);
  const receiver = new ChannelReceiver<number>(port2);
  sender.trySend(1);
  const waiting = sender.send(2);
  assert.equal(await receiver.next(), 1);
  setTimeout(() => receiver.ack(), 20);
  await waiting;
  assert.equal(await receiver.next(), 2, "sent once the ack came");
  const stuck = sender.send(3);
  sender.close();
  await assert.rejects(stuck, /closed/);
  receiver.close();
});
