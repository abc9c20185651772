import assert from "node:assert/strict";
import { ActorEntry, CounterTotals, RestartPolicy } from "./actor_entry.ts";
import { KeyList, packCounters } from "./counter_table.ts";
import { zeroCounters } from "./counters.ts";

const entry = () =>
  new ActorEntry(
    { id: "a", kind: "counter", role: "device", config: {} },
    0,
    "actor:a",
    new RestartPolicy({ initialMs: 100, maxMs: 400, jitter: 0 }, 60_000),
  );

Deno.test("the state machine: stopped → starting → running ⇄ degraded → failed → starting", () => {
  const e = entry();
  assert.equal(e.state, "stopped");
  e.begin();
  assert.equal(e.state, "starting");
  assert.equal(e.transition("running"), true);
  assert.equal(e.transition("running"), false, "no change, nothing to report");
  assert.equal(e.transition("degraded", "timed out"), true);
  assert.equal(e.transition("degraded", "closed"), true, "a new reason is a change");
  e.fail({ code: "crashed", stage: "run", message: "boom" });
  assert.deepEqual([e.state, e.reason, e.live], ["failed", "crashed in run: boom", false]);
  e.begin();
  assert.equal(e.state, "starting");
});

Deno.test("the state machine refuses changes its table does not allow", () => {
  const e = entry();
  assert.throws(() => e.transition("running"), /no transition from stopped to running/);
  e.begin();
  e.end("stopped");
  assert.throws(() => e.transition("failed"), /from stopped to failed/);
});

Deno.test("restart policy: the delay grows to its cap, and starts over after a stable run", () => {
  const policy = new RestartPolicy({ initialMs: 100, maxMs: 400, jitter: 0 }, 10_000);
  assert.deepEqual([1, 2, 3, 4].map(() => policy.delay(50)), [100, 200, 400, 400]);
  assert.equal(policy.delay(10_000), 100, "a run of stableMs resets the backoff");
});

Deno.test("counter totals survive runs; the latest report counts until the run ends", () => {
  const totals = new CounterTotals();
  const report = (samples: number) => {
    const counters = { ...zeroCounters(), samples_out: samples };
    return packCounters(new Map([["a", { counters }]]), new KeyList());
  };
  totals.report(report(10), 0);
  totals.report(report(25), 0);
  assert.equal(totals.total().samples_out, 25, "reports are totals of the run, not deltas");
  totals.failure();
  totals.endRun();
  totals.report(report(5), 0);
  assert.equal(totals.total().samples_out, 30);
  assert.equal(totals.total().errors, 1);
  totals.final({ ...zeroCounters(), samples_out: 7 });
  assert.equal(totals.total().samples_out, 32, "the final report replaces the run's latest");
});
