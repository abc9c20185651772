import assert from "node:assert/strict";
import { BatchBuilder, type SampleBatch } from "../model/batch.ts";
import { Quality } from "../model/sample.ts";
import { Receipts, ReceiptWaiters } from "./receipts.ts";

const batch = (): SampleBatch => {
  const b = new BatchBuilder(1, 1);
  b.push(0, 0, 1, Quality.good);
  return b.build();
};

Deno.test("a receipt comes back only once every routed sink acked its copy", () => {
  const r = new Receipts();
  const got: number[] = [];
  const [a, b] = [batch(), batch()];
  r.track(7, [a, b], (n) => got.push(n));
  r.sent("s1", a);
  r.sent("s2", b);
  r.acked("s1", 1);
  assert.deepEqual(got, [], "one sink of two");
  r.acked("s2", 1);
  assert.deepEqual(got, [7]);
});

Deno.test("credit returns settle the oldest batches in flight, untracked ones included", () => {
  const r = new Receipts();
  const got: number[] = [];
  const [plain, t1, t2] = [batch(), batch(), batch()];
  r.track(1, [t1], (n) => got.push(n));
  r.track(2, [t2], (n) => got.push(n));
  r.sent("s", plain);
  r.sent("s", t1);
  r.sent("s", t2);
  r.acked("s", 2);
  assert.deepEqual(got, [1], "the plain batch and t1");
  r.acked("s", 1);
  assert.deepEqual(got, [1, 2]);
});

Deno.test("no route and a drop by policy settle the receipt; a lost sink worker negates it", () => {
  const r = new Receipts();
  const got: number[] = [];
  r.track(1, [], (n) => got.push(n));
  const dropped = batch();
  r.track(2, [dropped], (n) => got.push(n));
  r.dropped(dropped);
  const lost = batch();
  r.track(3, [lost], (n) => got.push(n));
  r.sent("s", lost);
  r.lost("s");
  assert.deepEqual(got, [1, 2, -3]);
});

Deno.test("the source side calls each receipt's callback once, stored or lost, and ignores strangers", () => {
  const w = new ReceiptWaiters();
  const calls: boolean[] = [];
  const [a, b] = [w.add((ok) => calls.push(ok)), w.add((ok) => calls.push(ok))];
  assert.equal(w.size, 2);
  w.settle(a);
  w.settle(a);
  w.settle(-b);
  w.settle("junk");
  w.settle(9999);
  w.settle(0);
  assert.deepEqual(calls, [true, false]);
  assert.equal(w.size, 0);
});
