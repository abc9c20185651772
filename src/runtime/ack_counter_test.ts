import assert from "node:assert/strict";
import { AckCounter } from "./ack_counter.ts";

Deno.test("acks added at one end are taken once at the other, across the count's wrap", () => {
  const receiverEnd = new AckCounter();
  const senderEnd = new AckCounter(receiverEnd.buffer);
  senderEnd.take();
  receiverEnd.add(3);
  receiverEnd.add(2);
  assert.equal(senderEnd.take(), 5);
  assert.equal(senderEnd.take(), 0, "taken once");
  // Near the top of the int32 range the count wraps; a take still reads the difference.
  new Int32Array(receiverEnd.buffer)[0] = 2 ** 31 - 2;
  senderEnd.take();
  receiverEnd.add(4);
  assert.equal(senderEnd.take(), 4);
});

Deno.test("a watch is woken by an add from another thread", async () => {
  const senderEnd = new AckCounter();
  const source = `self.onmessage = (e) => {
    const cell = new Int32Array(e.data);
    setTimeout(() => { Atomics.add(cell, 0, 7); Atomics.notify(cell, 0); }, 30);
  };`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    const woken = new Promise<void>((resolve) => senderEnd.watch(resolve));
    worker.postMessage(senderEnd.buffer);
    await woken;
    assert.equal(senderEnd.take(), 7, "the worker's acks are seen");
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});

Deno.test("a watch on acks already made wakes at once; unwatch drops a watch without an add", async () => {
  const receiverEnd = new AckCounter();
  const senderEnd = new AckCounter(receiverEnd.buffer);
  receiverEnd.add(1);
  await new Promise<void>((resolve) => senderEnd.watch(resolve));
  assert.equal(senderEnd.take(), 1);
  let woken = false;
  senderEnd.watch(() => woken = true);
  senderEnd.unwatch();
  receiverEnd.add(1);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(woken, false, "an unwatched wake calls nothing");
  assert.equal(senderEnd.take(), 1);
});
