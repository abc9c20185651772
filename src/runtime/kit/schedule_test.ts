import assert from "node:assert/strict";
import { sleep as delay } from "./sleep.ts";
import { fixedRate, type ScheduleStats } from "./schedule.ts";

const zero = (): ScheduleStats => ({ polls: 0, overruns: 0, poll_lag_ms: 0 });

/** Waits (polling) until `ok()` holds; a guard against hanging, not a timing assertion. */
async function until(ok: () => boolean, what: string) {
  for (let i = 0; !ok(); i++) {
    assert.ok(i < 1000, `gave up waiting for ${what}`);
    await delay(5);
  }
}

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
  await until(() => stats.overruns >= 3, "three overruns");
  assert.equal(calls, 1, "due runs were skipped, not queued");
  release();
  await until(() => calls >= 2, "the next run after the slow one");
  ac.abort();
  const result = await done;
  assert.equal(result, stats, "resolves with the stats it counted into");
  assert.equal(overlapped, false);
  assert.equal(result.polls, calls);
  assert.ok(result.overruns >= 3);
  const after = calls;
  await delay(60);
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
