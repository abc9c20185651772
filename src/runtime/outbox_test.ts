import assert from "node:assert/strict";
import type { SampleBatch } from "../model/batch.ts";
import { Outbox } from "./outbox.ts";

const batch = (count: number, source = 0): SampleBatch => ({
  source,
  count,
  capacity: count,
  buf: new ArrayBuffer(0),
});

/** Lets pending callbacks and timers run, so a promise that can settle has settled. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Tracks whether a promise has settled, without awaiting it. */
function track(p: Promise<unknown>) {
  const state = { settled: false, error: undefined as unknown };
  p.then(() => state.settled = true, (err) => {
    state.settled = true;
    state.error = err;
  });
  return state;
}

Deno.test("drop_oldest drops the oldest batches, counts their samples, never exceeds the limit", async () => {
  const box = new Outbox(10, "drop_oldest");
  for (let i = 1; i <= 4; i++) {
    await box.push(batch(4, i));
    assert.ok(box.samples <= 10, `${box.samples} samples queued`);
  }
  assert.equal(box.samples, 8);
  assert.equal(box.dropped, 8, "batches 1 and 2 dropped");
  assert.deepEqual([box.shift()!.source, box.shift()!.source], [3, 4]);
  assert.equal(box.shift(), undefined);
  await box.push(batch(3, 5));
  await box.push(batch(25, 6)); // larger than the whole queue: evicts everything, then is taken
  assert.equal(box.dropped, 11);
  assert.equal(box.length, 1);
  assert.equal(box.samples, 25);
  await box.push(batch(1, 7));
  assert.equal(box.dropped, 36);
  assert.equal(box.shift()!.source, 7);
});

Deno.test("block waits for shift() to make room", async () => {
  const box = new Outbox(10, "block");
  await box.push(batch(6, 1));
  const pushed = track(box.push(batch(6, 2)));
  await settle();
  assert.equal(pushed.settled, false, "push resolved while the queue was full");
  assert.equal(box.length, 1);
  assert.equal(box.shift()!.source, 1);
  await settle();
  assert.equal(pushed.settled, true);
  assert.equal(pushed.error, undefined);
  assert.equal(box.dropped, 0);
  assert.equal(box.shift()!.source, 2);
});

Deno.test("whenNotEmpty and whenEmpty resolve on the matching change", async () => {
  const box = new Outbox(10, "block");
  const notEmpty = track(box.whenNotEmpty());
  await settle();
  assert.equal(notEmpty.settled, false);
  await box.push(batch(2));
  await settle();
  assert.equal(notEmpty.settled, true);
  const empty = track(box.whenEmpty());
  await settle();
  assert.equal(empty.settled, false);
  box.shift();
  await settle();
  assert.equal(empty.settled, true);
});

Deno.test("aborting the signal rejects a blocked push without queueing it", async () => {
  const box = new Outbox(5, "block");
  await box.push(batch(5, 1));
  const ac = new AbortController();
  const pushed = box.push(batch(1, 2), ac.signal);
  ac.abort(new Error("stopping"));
  await assert.rejects(pushed, /stopping/);
  assert.equal(box.length, 1);
  box.shift();
  await assert.rejects(
    box.whenNotEmpty(ac.signal),
    /stopping/,
    "an aborted signal rejects at once",
  );
});
