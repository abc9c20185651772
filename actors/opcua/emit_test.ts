import assert from "node:assert/strict";
import { rows, type SampleBatch } from "../../src/model/batch.ts";
import { type Output, zeroCounters } from "../../src/runtime/kit.ts";
import { Emitter } from "./emit.ts";

/** An output that keeps what it is sent; `hold` makes sends wait until released. */
function fakeOutput() {
  const sent: SampleBatch[] = [];
  let release = () => {};
  let held: Promise<void> | undefined;
  const output = {
    source: 3,
    send(batch: SampleBatch) {
      sent.push(batch);
      return held ?? Promise.resolve();
    },
  } as unknown as Output;
  return {
    output,
    sent,
    hold() {
      held = new Promise((r) => release = r);
    },
    release: () => release(),
  };
}

const good = (ts: number, value: number) => ({ ts, value, quality: 0 as const });

Deno.test("samples of one burst leave as one batch, text and reasons included", async () => {
  const out = fakeOutput();
  const counters = zeroCounters();
  const emit = new Emitter(out.output, counters, 3);
  emit.push(0, good(1, 1.5));
  emit.push(1, { ts: 2, value: "on", quality: 1, reason: "UncertainInitialValue" });
  await emit.flush();
  assert.equal(out.sent.length, 1);
  assert.deepEqual([...rows(out.sent[0])], [
    { tag: 0, ts: 1, value: 1.5, quality: "good" },
    { tag: 1, ts: 2, value: "on", quality: "uncertain", reason: "UncertainInitialValue" },
  ]);
  assert.equal(counters.samples_in, 2);
});

Deno.test("an outage marks each tag bad once; the first value after it is not dated before it", async () => {
  const out = fakeOutput();
  const emit = new Emitter(out.output, zeroCounters(), 2);
  emit.markDown([0, 1], "connection lost: closed");
  emit.markDown([0, 1], "Cannot connect to …"); // a failed retry: nothing new
  await emit.flush();
  const bad = [...rows(out.sent[0])];
  assert.equal(bad.length, 2);
  assert.ok(bad.every((s) => s.quality === "bad" && s.value === null));
  const since = bad[0].ts;
  emit.push(0, good(since - 60_000, 7)); // unchanged since before the outage
  emit.push(1, good(since + 5, 8)); // changed during the outage
  await emit.flush();
  const [a, b] = [...rows(out.sent[1])];
  assert.ok(a.ts >= since, "re-dated to its arrival");
  assert.equal(b.ts, since + 5, "a newer source time is kept");
  emit.push(0, good(since - 60_000, 7));
  await emit.flush();
  assert.equal([...rows(out.sent[2])][0].ts, since - 60_000, "only the first value after a gap");
});

Deno.test("batches waiting for credit are bounded: the oldest are dropped and counted", async () => {
  const out = fakeOutput();
  const counters = zeroCounters();
  const emit = new Emitter(out.output, counters, 1);
  out.hold();
  emit.push(0, good(0, 0));
  const first = emit.flush(); // sent, waiting for credit
  for (let i = 1; i <= 100; i++) emit.push(0, good(i, i)); // 100 one-row batches pile up
  out.release();
  await first;
  await emit.flush();
  assert.equal(counters.dropped, 100 - 64);
  const values = out.sent.flatMap((b) => [...rows(b)].map((s) => s.value));
  assert.deepEqual(values, [0, ...Array.from({ length: 64 }, (_, i) => 37 + i)]);
});

Deno.test("a flush with nothing to send does not stop later batches", async () => {
  const out = fakeOutput();
  const emit = new Emitter(out.output, zeroCounters(), 2);
  await emit.flush();
  emit.push(0, good(1, 1));
  await emit.flush();
  emit.push(1, good(2, 2));
  await emit.flush();
  assert.equal(out.sent.length, 2);
});
