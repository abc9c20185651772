import assert from "node:assert/strict";
import { eventually } from "../../../tests/helpers/net.ts";
import { firstDue, fixedRate, type ScheduleStats, spreadPhase } from "./schedule.ts";

const zero = (): ScheduleStats => ({ polls: 0, overruns: 0, poll_lag_ms: 0 });

Deno.test("a slow run makes later runs overruns; the task never overlaps itself", async () => {
  const stats = zero();
  const ac = new AbortController();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let running = false, overlapped = false, calls = 0;
  const done = fixedRate(20, ac.signal, async () => {
    if (running) overlapped = true;
    running = true;
    calls++;
    await gate;
    running = false;
  }, stats);
  await eventually("three overruns", () => stats.overruns >= 3 || undefined, undefined, 5);
  assert.equal(calls, 1, "due runs were skipped, not queued");
  release();
  await eventually("the next run after the slow one", () => calls >= 2 || undefined, undefined, 5);
  ac.abort();
  const result = await done;
  assert.equal(result, stats, "resolves with the stats it counted into");
  assert.equal(overlapped, false);
  assert.equal(result.polls, calls);
  assert.ok(result.overruns >= 3);
  // No run after abort: a witness schedule of the same interval, started now, runs three times;
  // a run the aborted schedule still had due would have come before the witness's.
  const after = calls;
  const witness = new AbortController();
  let ticks = 0;
  await fixedRate(20, witness.signal, () => {
    if (++ticks === 3) witness.abort();
    return Promise.resolve();
  });
  assert.equal(calls, after, "no run after abort");
});

Deno.test("due times advance by whole intervals; each skipped slot is an overrun", async () => {
  const interval = 20;
  const stats = zero();
  const ac = new AbortController();
  const seen: { due: number; overruns: number }[] = [];
  const result = await fixedRate(interval, ac.signal, (due) => {
    seen.push({ due, overruns: stats.overruns });
    if (seen.length === 6) ac.abort();
    return Promise.resolve();
  }, stats);
  assert.equal(result.polls, 6);
  for (let i = 1; i < seen.length; i++) {
    const step = seen[i].due - seen[i - 1].due;
    const slots = 1 + seen[i].overruns - seen[i - 1].overruns; // 1 unless the event loop stalled
    assert.ok(
      Math.abs(step - slots * interval) <= 1,
      `due step ${step}, expected ${slots}×${interval}`,
    );
  }
});

Deno.test("a run that throws ends the schedule with its error, without waiting for the next due time", async () => {
  const ac = new AbortController();
  let calls = 0;
  const done = fixedRate(60_000, ac.signal, () => {
    calls++;
    return Promise.reject(new Error("device gone"));
  });
  await assert.rejects(done, /device gone/);
  assert.equal(calls, 1);
  assert.equal(ac.signal.aborted, false, "it ended on its own");
});

Deno.test("spread phases: n in a row are never closer than 0.44/n of the interval, nor further than 1.9/n", () => {
  for (const n of [2, 7, 100, 1000]) {
    const phases = Array.from({ length: n }, spreadPhase).sort((a, b) => a - b);
    const gaps = phases.map((p, i) => (i + 1 < n ? phases[i + 1] : phases[0] + 1) - p);
    assert.ok(Math.min(...gaps) >= 0.44 / n, `closest of ${n}: ${Math.min(...gaps)}`);
    assert.ok(Math.max(...gaps) <= 1.9 / n, `widest of ${n}: ${Math.max(...gaps)}`);
  }
});

Deno.test("the first due time: the next at or after now on the worker's grid of that phase", () => {
  const a = firstDue(10_000, 1000, 0.25);
  assert.ok(a >= 10_000 && a < 11_000);
  assert.equal(firstDue(a, 1000, 0.25), a, "now itself when it is on the grid");
  assert.equal(firstDue(a + 0.5, 1000, 0.25), a + 1000);
  const half = ((firstDue(10_000, 1000, 0.75) - a) % 1000 + 1000) % 1000;
  assert.ok(Math.abs(half - 500) < 1e-6, `half an interval apart: ${half}`);
});

Deno.test("spread schedules run apart by their phases, whenever each started", async () => {
  const interval = 50, step = (Math.sqrt(5) - 1) / 2;
  const ac = new AbortController();
  const first: number[] = [];
  const run = (slot: number) =>
    fixedRate(
      interval,
      ac.signal,
      (due) => {
        first[slot] ??= due;
        return Promise.resolve();
      },
      zero(),
      { spread: true },
    );
  const a = run(0);
  await eventually("the first schedule's first run", () => first[0] ?? undefined, undefined, 5);
  const b = run(1); // started later: still due on its own phase of the shared grid
  await eventually("the second's", () => first[1] ?? undefined, undefined, 5);
  ac.abort();
  await Promise.all([a, b]);
  const apart = ((first[1] - first[0]) % interval + interval) % interval;
  assert.ok(Math.abs(apart - step * interval) <= 2, `${apart} ms apart, not ${step * interval}`);
});
