import assert from "node:assert/strict";
import { Quality } from "../../src/model/sample.ts";
import { type Row, Rows } from "../../src/runtime/kit.ts";
import { HistoryStore } from "./store.ts";

const T0 = Date.UTC(2026, 11, 1);

async function withStore(run: (store: HistoryStore, file: string) => void | Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "history-" });
  const store = new HistoryStore(`${dir}/h.sqlite`);
  try {
    await run(store, `${dir}/h.sqlite`);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** One sample a second of `path` from `start`, value = its second, for `n` seconds. */
function seconds(path: string, start: number, n: number, value = (i: number) => i): Row[] {
  return Array.from(
    { length: n },
    (_, i) => [path, start + i * 1000, value(i), null, Quality.good, null] as Row,
  );
}

Deno.test("history: raw samples of a range, text and reasons kept; a replay adds nothing", async () => {
  await withStore((store) => {
    const rows: Row[] = [
      ["a/t", T0, 1.5, null, Quality.good, null],
      ["a/t", T0 + 0.001, 2.5, null, Quality.good, null], // a µs apart: two samples
      ["a/t", T0 + 1000, null, null, Quality.bad, "timed out"],
      ["a/s", T0, null, "idle", Quality.good, null],
    ];
    store.write(Rows.of(rows));
    store.write(Rows.of(rows)); // the same again, as after a crash
    const t = store.query({ path: "a/t", from: T0, to: T0 + 1000, points: 100 });
    assert.deepEqual(t.ts, [T0, T0 + 0.001, T0 + 1000]);
    assert.deepEqual(t.value, [1.5, 2.5, null]);
    assert.deepEqual(t.quality, [0, 0, 2]);
    assert.equal(t.step_ms, 0);
    assert.deepEqual(store.query({ path: "a/s", from: T0, to: T0, points: 10 }).value, ["idle"]);
    assert.deepEqual(store.query({ path: "nope", from: T0, to: T0 + 1, points: 10 }).ts, []);
  });
});

Deno.test("history: a long range is downsampled in SQL to at most `points`, min/max/avg a step; a gap stays a gap", async () => {
  await withStore((store) => {
    // An hour at 1 s, then nothing for an hour, then another hour.
    store.write(Rows.of(seconds("a/t", T0, 3600)));
    store.write(Rows.of(seconds("a/t", T0 + 7_200_000, 3600, (i) => 10_000 + i)));
    const s = store.query({ path: "a/t", from: T0, to: T0 + 3 * 3_600_000 - 1, points: 180 });
    assert.equal(s.step_ms, 60_000, "3 hours in 180 points: a minute a step");
    assert.equal(s.ts.length, 120, "60 steps an hour with samples, none in the gap");
    assert.deepEqual([s.value[0], s.min![0], s.max![0]], [29.5, 0, 59]);
    assert.deepEqual([s.value[60], s.min![60], s.max![60]], [10_029.5, 10_000, 10_059]);
    assert.equal(s.ts[60] - s.ts[59], 3_660_000, "the hour without samples is one jump");
    assert.ok(s.ts.length <= 180);
  });
});

Deno.test("history: a week downsamples from the minute rollup; a replay counts nothing twice", async () => {
  await withStore((store) => {
    const day = seconds("a/t", T0, 86_400, (i) => i % 60); // every whole minute averages 29.5
    store.write(Rows.of(day));
    store.write(Rows.of(day.slice(0, 50_000))); // replayed after a crash
    store.write(Rows.of([["a/t", T0 + 90, null, null, Quality.bad, "timed out"]]));
    const week = store.query({ path: "a/t", from: T0, to: T0 + 7 * 86_400_000 - 1, points: 1000 });
    assert.equal(week.step_ms, 604_800, "7 days in 1000 points");
    assert.ok(week.ts.length <= 1000 && week.ts.length > 140, `${week.ts.length} points`);
    assert.deepEqual([week.min![0], week.max![0]], [0, 59]);
    assert.equal(week.value[0], 29.5, "the average is not skewed by the replay");
    assert.equal(week.quality[0], 2, "the step's worst quality");
    assert.equal(week.quality[1], 0);
    // The rollup agrees with the samples over the same steps (whole minutes, here).
    const fine = store.query({ path: "a/t", from: T0, to: T0 + 3_600_000 - 1, points: 60 });
    assert.equal(fine.step_ms, 60_000);
    assert.deepEqual(fine.value.slice(0, 3), [29.5, 29.5, 29.5]);
  });
});

Deno.test("history: samples older than retain go; over max_bytes the oldest go first", async () => {
  await withStore((store) => {
    const now = T0 + 86_400_000;
    store.write(Rows.of(seconds("a/old", T0, 600)));
    store.write(Rows.of(seconds("a/new", now - 600_000, 600)));
    const gone = store.retain(now, 3_600_000, 1 << 30);
    assert.equal(gone, 600, "the hour-old limit takes a/old's samples, a day old");
    assert.equal(store.query({ path: "a/old", from: T0, to: now, points: 10_000 }).ts.length, 0);
    assert.equal(store.query({ path: "a/new", from: T0, to: now, points: 10_000 }).ts.length, 600);
    // Size: 20,000 more samples, then a limit below what they take.
    store.write(Rows.of(seconds("a/size", now - 20_000_000, 20_000)));
    const before = store.bytes();
    store.retain(now, 86_400_000 * 365, Math.floor(before / 2));
    assert.ok(store.bytes() <= before / 2, `${store.bytes()} bytes after, ${before} before`);
    const left = store.query({ path: "a/size", from: now - 20_000_000, to: now, points: 100_000 })
      .ts;
    assert.ok(left.length > 0 && left.length < 20_000, `${left.length} left`);
    assert.ok(left[0] > now - 20_000_000, "the oldest went first");
    assert.equal(left.at(-1), now - 1000, "the newest stayed");
  });
});
