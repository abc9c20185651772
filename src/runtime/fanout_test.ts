import assert from "node:assert/strict";
import { BatchBuilder, type SampleBatch } from "../model/batch.ts";
import { Quality } from "../model/sample.ts";
import { Fanout } from "./fanout.ts";
import type { TagsFrame } from "./frames.ts";
import { MergedInput } from "./merged_input.ts";

function batch(source: number, n: number, receipt?: number): SampleBatch {
  const b = new BatchBuilder(source, n);
  for (let i = 0; i < n; i++) b.push(i, i, i, Quality.good);
  const out = b.build();
  if (receipt !== undefined) out.receipt = receipt;
  return out;
}

function rig() {
  const events: string[] = [];
  const receipts: number[] = [];
  const fanout = new Fanout({
    onTags: (f) => events.push(`tags ${f.source}`),
    onBatch: (b) => events.push(`batch ${b.source}`),
    onReceipt: (r) => receipts.push(r),
  });
  /** A sink's worker end: a merged input on a fresh port, linked to the fanout. */
  const link = (
    id: string,
    maxSamples: number,
    whenFull: "block" | "drop_oldest",
    capacity = 2,
  ) => {
    const ch = new MessageChannel();
    const frames: TagsFrame[] = [];
    const input = new MergedInput((f) => frames.push(f));
    input.add("w", ch.port2);
    fanout.attach(id, ch.port1, capacity, { maxSamples, whenFull });
    return { input, frames };
  };
  return { fanout, events, receipts, link };
}

Deno.test("a block queue holds the source back until its sink takes; nothing is dropped", async () => {
  const { fanout, link } = rig();
  const queue = { maxSamples: 10, whenFull: "block" as const };
  fanout.route(1, [{ id: "s", queue }]);
  const { input } = link("s", 10, "block", 1);
  assert.ok(fanout.tryPush(batch(1, 10)), "first batch: sent at once");
  assert.ok(fanout.tryPush(batch(1, 10)), "second: queued (no credit)");
  assert.equal(fanout.tryPush(batch(1, 10)), false, "third: the queue is full");
  assert.equal(fanout.ready(1), false);
  let pushed = false;
  const waiting = fanout.push(batch(1, 10)).then(() => pushed = true);
  const first = await input.next();
  assert.equal(first?.count, 10);
  assert.equal(pushed, false, "room only once the sink acks");
  input.ack();
  await waiting;
  let got = 1;
  while (got < 3) {
    await input.next();
    input.ack();
    got++;
  }
  assert.deepEqual(fanout.figures().s.slice(2), [0, 0], "none dropped, none lost");
  input.close();
  fanout.detach("s");
});

Deno.test("drop_oldest never blocks: drops are counted and their receipts settle", async () => {
  const { fanout, receipts } = rig();
  fanout.route(1, [{ id: "s", queue: { maxSamples: 20, whenFull: "drop_oldest" } }]);
  for (let r = 1; r <= 5; r++) assert.ok(fanout.tryPush(batch(1, 10, r)));
  assert.deepEqual(fanout.figures().s, [2, 20, 30, 0], "3 batches of 10 dropped, 2 waiting");
  assert.deepEqual(receipts, [1, 2, 3], "the dropped batches are settled");
  await Promise.resolve();
});

Deno.test("a receipt waits for every sink it went to; a sink's worker gone makes it lost", async () => {
  const { fanout, receipts, link } = rig();
  const queue = { maxSamples: 100, whenFull: "block" as const };
  fanout.route(1, [{ id: "a", queue }, { id: "b", queue }]);
  const a = link("a", 100, "block");
  const b = link("b", 100, "block");
  fanout.push(batch(1, 3, 7));
  await a.input.next();
  a.input.ack();
  await b.input.next();
  assert.deepEqual(receipts, [], "b has not acked yet");
  b.input.ack();
  while (receipts.length === 0) await new Promise((r) => setTimeout(r, 1));
  assert.deepEqual(receipts, [7]);
  fanout.push(batch(1, 3, 8));
  await a.input.next();
  a.input.ack();
  await b.input.next(); // taken, never acked: its worker dies
  while (fanout.figures().a[0] > 0) await new Promise((r) => setTimeout(r, 1));
  fanout.detach("b");
  assert.deepEqual(receipts, [7, -8], "negated: send it again");
  assert.equal(fanout.figures().b[3], 1, "one batch lost in flight");
  a.input.close();
  b.input.close();
});

Deno.test("a new link gets the tags of its sources first; end sends what is queued, then ends", async () => {
  const { fanout, events, link } = rig();
  const queue = { maxSamples: 100, whenFull: "block" as const };
  fanout.route(1, [{ id: "s", queue }]);
  fanout.route(2, []);
  const meta = { name: "t", device: "d", path: "d/t", type: "float64" as const, writable: false };
  fanout.registerTags({ type: "tags", source: 1, first: 0, tags: [meta] });
  fanout.registerTags({ type: "tags", source: 2, first: 0, tags: [meta] });
  for (let i = 0; i < 4; i++) fanout.tryPush(batch(1, 5));
  assert.ok(fanout.tryPush(batch(2, 5)), "a source routed nowhere: taken, sent nowhere");
  const { input, frames } = link("s", 100, "block");
  const ended = fanout.end();
  input.end(); // no other worker feeds it
  assert.throws(() => fanout.tryPush(batch(1, 1)), /output ended/);
  let n = 0;
  for (let b = await input.next(); b; b = await input.next()) {
    n += b.count;
    input.ack();
  }
  await ended;
  assert.equal(n, 20, "every queued sample arrived before the end");
  assert.deepEqual(frames.map((f) => f.source), [1], "only the routed source's tags");
  assert.deepEqual(events.filter((e) => e.startsWith("tags")), ["tags 1", "tags 2"]);
  assert.equal(events.filter((e) => e.startsWith("batch")).length, 5, "every batch seen");
});

Deno.test("tags registered with a remake function are made again for a sink attached later, not kept", async () => {
  const { fanout, events, link } = rig();
  fanout.route(1, [{ id: "s", queue: { maxSamples: 100, whenFull: "block" } }]);
  let made = 0;
  const remake = () => {
    made++;
    return [{ name: "t", device: "d", path: "d/t", type: "float64" as const, writable: false }];
  };
  fanout.registerTags({ type: "tags", source: 1, first: 0, tags: remake() }, remake);
  assert.equal(fanout.catalog.of(1), undefined, "the worker keeps none of them");
  assert.deepEqual(events, ["tags 1"], "the main thread heard of them at once");
  const { input, frames } = link("s", 100, "block");
  fanout.tryPush(batch(1, 1));
  assert.ok(await input.next(), "the batch arrived");
  assert.equal(made, 2, "made once more for the sink attached later");
  assert.deepEqual(frames.map((f) => [f.source, f.first, f.tags.map((t) => t.path)]), [[1, 0, [
    "d/t",
  ]]]);
  input.close();
});
