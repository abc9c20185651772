import assert from "node:assert/strict";
import { BatchBuilder } from "../model/batch.ts";
import { Quality } from "../model/sample.ts";
import { LatestValues, LatestWriter } from "./latest.ts";

Deno.test("the latest sample of each tag: value, quality, reason, time; later rows win", () => {
  const latest = new LatestValues();
  const posted: string[] = [];
  const writer = new LatestWriter((m) => {
    posted.push(m.type);
    latest.take(m);
  });
  const b = new BatchBuilder(3, 8);
  b.push(0, 1000, 1.5, Quality.good);
  b.push(40, 1000, NaN, Quality.bad, "timed out");
  b.pushText(2, 1000, "idle", Quality.good);
  b.push(0, 2000, 2.5, Quality.good);
  writer.update(b.build());
  assert.deepEqual(posted, ["latest_table", "latest_text"], "one table, sized for tag 40");
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
  writer.update(next.build());
  assert.deepEqual(latest.get(3, 40), { value: 7, quality: "good", ts: 3000 }, "reason cleared");
  assert.deepEqual(latest.get(3, 2), { value: 1, quality: "uncertain", ts: 3000 }, "text cleared");
  const later = new BatchBuilder(3, 1);
  later.push(100, 4000, 3, Quality.good);
  writer.update(later.build());
  assert.equal(posted.filter((t) => t === "latest_table").length, 2, "grown for tag 100");
  assert.deepEqual(latest.get(3, 100), { value: 3, quality: "good", ts: 4000 });
  assert.deepEqual(latest.get(3, 40), { value: 7, quality: "good", ts: 3000 }, "kept when grown");
});

Deno.test("unchanged texts and reasons are not posted again; the table is read across threads", async () => {
  const latest = new LatestValues();
  const texts: unknown[] = [];
  const writer = new LatestWriter((m) => {
    if (m.type === "latest_text") texts.push(m.changes);
    latest.take(structuredClone(m)); // a SharedArrayBuffer crosses as shared memory
  });
  for (let round = 0; round < 3; round++) {
    const b = new BatchBuilder(1, 2);
    b.push(0, round, NaN, Quality.bad, "connection refused");
    b.push(1, round, round, Quality.good);
    writer.update(b.build());
  }
  assert.deepEqual(texts, [[[0, null, "connection refused"]]], "one change, posted once");
  assert.deepEqual(latest.get(1, 1), { value: 2, quality: "good", ts: 2 }, "shared, not copied");
  const w = new Worker(
    `data:application/javascript,self.onmessage=(e)=>{new Float64Array(e.data,8*16,16)[1]=99;self.postMessage(0)}`,
    { type: "module" },
  );
  const table = await new Promise<SharedArrayBuffer>((resolve) => {
    const lw = new LatestWriter((m) => m.type === "latest_table" && resolve(m.buf));
    const b = new BatchBuilder(9, 1);
    b.push(1, 5, 1, Quality.good);
    lw.update(b.build());
  });
  latest.take({ type: "latest_table", source: 9, buf: table });
  await new Promise((resolve) => {
    w.onmessage = resolve;
    w.postMessage(table);
  });
  w.terminate();
  assert.equal(latest.get(9, 1)?.value, 99, "a write in another worker is seen here");
});
