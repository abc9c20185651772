import assert from "node:assert/strict";
import { BatchBuilder } from "../model/batch.ts";
import { Quality, type QualityCode } from "../model/sample.ts";
import { type LatestMessage, LatestValues, LatestWriter } from "./latest.ts";

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
  assert.deepEqual(latest.get(3, 40), { value: 7, quality: "good", ts: 3000 }, "no reason");
  assert.deepEqual(latest.get(3, 2), { value: 1, quality: "uncertain", ts: 3000 }, "no text");
  const later = new BatchBuilder(3, 1);
  later.push(100, 4000, 3, Quality.good);
  writer.update(later.build());
  assert.equal(posted.filter((t) => t === "latest_table").length, 2, "grown for tag 100");
  assert.deepEqual(latest.get(3, 100), { value: 3, quality: "good", ts: 4000 });
  assert.deepEqual(latest.get(3, 40), { value: 7, quality: "good", ts: 3000 }, "kept");
});

Deno.test("unchanged texts and reasons are not posted again", () => {
  const latest = new LatestValues();
  const texts: unknown[] = [];
  const writer = new LatestWriter((m) => {
    if (m.type === "latest_text") texts.push(m.rows.map((r) => [r.tag, r.text, r.reason]));
    latest.take(structuredClone(m)); // a SharedArrayBuffer crosses as shared memory
  });
  for (let round = 0; round < 3; round++) {
    const b = new BatchBuilder(1, 2);
    b.push(0, round, NaN, Quality.bad, "connection refused");
    b.push(1, round, round, Quality.good);
    writer.update(b.build());
  }
  assert.deepEqual(texts, [[[0, null, "connection refused"]]], "one change, posted once");
  assert.deepEqual(latest.get(1, 1), { value: 2, quality: "good", ts: 2 }, "shared");
  assert.equal(latest.get(1, 0)?.reason, "connection refused", "kept for later rows");
});

Deno.test("a row whose reason is on its way is not served: the tag's last whole row is", () => {
  const latest = new LatestValues();
  const held: LatestMessage[] = [];
  const writer = new LatestWriter((m) => m.type === "latest_table" ? latest.take(m) : held.push(m));
  const write = (ts: number, value: number, quality: QualityCode, reason?: string) => {
    const b = new BatchBuilder(5, 1);
    b.push(0, ts, value, quality, reason);
    writer.update(b.build());
  };
  const deliver = () => held.splice(0).forEach((m) => latest.take(m));
  write(1000, NaN, Quality.bad, "timed out");
  assert.equal(latest.get(5, 0), undefined, "nothing whole yet");
  deliver();
  const timedOut = { value: null, quality: "bad", reason: "timed out", ts: 1000 };
  assert.deepEqual(latest.get(5, 0), timedOut);
  write(2000, NaN, Quality.bad, "timed out");
  assert.deepEqual(latest.get(5, 0), { ...timedOut, ts: 2000 }, "same reason: the table's row");
  write(3000, NaN, Quality.bad, "connection refused");
  assert.deepEqual(latest.get(5, 0), timedOut, "the last row that came whole");
  write(4000, 12, Quality.good);
  assert.deepEqual(latest.get(5, 0), timedOut, "not good before the clearing arrives");
  deliver();
  assert.deepEqual(latest.get(5, 0), { value: 12, quality: "good", ts: 4000 });
});

Deno.test("a source's new writer (a restart) starts afresh; the old writer's late texts are dropped", () => {
  const latest = new LatestValues();
  const late: LatestMessage[] = [];
  const old = new LatestWriter((m) => m.type === "latest_table" ? latest.take(m) : late.push(m));
  const bad = new BatchBuilder(6, 1);
  bad.push(0, 1000, NaN, Quality.bad, "timed out");
  old.update(bad.build());
  const fresh = new LatestWriter((m) => latest.take(m));
  const good = new BatchBuilder(6, 1);
  good.push(0, 2000, 4, Quality.good);
  fresh.update(good.build());
  for (const m of late) latest.take(m);
  assert.deepEqual(latest.get(6, 0), { value: 4, quality: "good", ts: 2000 });
});

Deno.test("rows written by another worker are read whole, each with its own reason", async () => {
  const latest = new LatestValues();
  const shared = new Int32Array(new SharedArrayBuffer(8)); // [stop, messages taken]
  const worker = new Worker(
    new URL("../../tests/fixtures/latest_writer_worker.ts", import.meta.url),
    { type: "module" },
  );
  const done = new Promise<number>((resolve) => {
    worker.onmessage = (e) => {
      if (e.data.type === "done") return resolve(e.data.rows);
      latest.take(e.data);
      Atomics.add(shared, 1, 1);
    };
  });
  worker.postMessage(shared.buffer);
  const seen = { good: 0, bad: 0 };
  for (let i = 0; seen.good + seen.bad < 5_000; i++) {
    // Lets the worker's messages in now and then, as the main thread's other work does.
    if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const s = latest.get(7, i % 4);
    if (!s) continue;
    if (s.quality === "good") {
      assert.deepEqual(s, { value: s.ts, quality: "good", ts: s.ts }, "a good row, whole");
      seen.good++;
    } else {
      assert.deepEqual(s, { value: null, quality: "bad", reason: `down at ${s.ts}`, ts: s.ts });
      seen.bad++;
    }
  }
  Atomics.store(shared, 0, 1);
  const rows = await done;
  assert.ok(seen.good > 0 && seen.bad > 0, `both kinds read (${JSON.stringify(seen)})`);
  assert.ok(rows > 0);
});
