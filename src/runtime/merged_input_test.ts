import assert from "node:assert/strict";
import { BatchBuilder } from "../model/batch.ts";
import { Quality } from "../model/sample.ts";
import { batchSender } from "./frames.ts";
import { MergedInput } from "./merged_input.ts";

const batch = (source: number) => {
  const b = new BatchBuilder(source, 1);
  b.push(0, 0, source, Quality.good);
  return b.build();
};

Deno.test("batches from several workers, credit back to each; the end waits for every port", async () => {
  const input = new MergedInput(() => {});
  const [one, two] = [new MessageChannel(), new MessageChannel()];
  input.add("w1", one.port2);
  input.add("w2", two.port2);
  const s1 = batchSender(one.port1, 2), s2 = batchSender(two.port1, 2);
  await s1.send(batch(1));
  await s1.send(batch(1));
  await s2.send(batch(2));
  assert.equal(s1.trySend(batch(1)), false, "w1 out of credit");
  const sources: number[] = [];
  for (let i = 0; i < 3; i++) sources.push((await input.next())!.source);
  assert.deepEqual(sources.sort(), [1, 1, 2]);
  input.ack(3);
  while (s1.credit < 2) await s1.waitForCredit().then(() => new Promise((r) => setTimeout(r, 1)));
  assert.equal(s1.credit, 2, "w1's credit is back");
  input.end();
  s1.end();
  const pending = input.next(); // w2 has not ended: the input goes on
  await s2.send(batch(2));
  s2.end();
  assert.equal((await pending)?.source, 2, "not the end: w2's batch");
  input.ack();
  assert.equal(await input.next(), undefined, "every port ended");
});

Deno.test("a dropped port (its worker gone) no longer holds the end back", async () => {
  const input = new MergedInput(() => {});
  const ch = new MessageChannel();
  input.add("w1", ch.port2);
  input.end();
  const pending = input.next();
  input.drop("w1");
  assert.equal(await pending, undefined);
  assert.throws(() => input.ack(), /only 0 taken/);
});
