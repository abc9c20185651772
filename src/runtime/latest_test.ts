import assert from "node:assert/strict";
import { BatchBuilder } from "../model/batch.ts";
import { Quality } from "../model/sample.ts";
import { LatestValues } from "./latest.ts";

Deno.test("the latest sample of each tag: value, quality, reason, time; later rows win", () => {
  const latest = new LatestValues();
  const b = new BatchBuilder(3, 8);
  b.push(0, 1000, 1.5, Quality.good);
  b.push(40, 1000, NaN, Quality.bad, "timed out");
  b.pushText(2, 1000, "idle", Quality.good);
  b.push(0, 2000, 2.5, Quality.good);
  latest.update(b.build());
  assert.deepEqual(latest.get(3, 0), { value: 2.5, quality: "good", ts: 2000 });
  assert.deepEqual(latest.get(3, 40), {
    value: null,
    quality: "bad",
    reason: "timed out",
    ts: 1000,
  });
  assert.deepEqual(latest.get(3, 2), { value: "idle", quality: "good", ts: 1000 });
  assert.equal(latest.get(3, 1), undefined, "no sample yet");
  assert.equal(latest.get(4, 0), undefined, "another source");
  const next = new BatchBuilder(3, 2);
  next.push(40, 3000, 7, Quality.good);
  next.push(2, 3000, 1, Quality.uncertain);
  latest.update(next.build());
  assert.deepEqual(latest.get(3, 40), { value: 7, quality: "good", ts: 3000 }, "reason cleared");
  assert.deepEqual(latest.get(3, 2), { value: 1, quality: "uncertain", ts: 3000 }, "text cleared");
});
