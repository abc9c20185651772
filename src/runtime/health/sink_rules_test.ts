import assert from "node:assert/strict";
import { SinkRules } from "./sink_rules.ts";

Deno.test("sink rules: degraded once writes keep failing, running after a good write", () => {
  const r = new SinkRules(2, 60_000);
  r.failed("Cannot write: permission denied");
  assert.equal(r.judge().state, "running");
  r.failed("Cannot write: permission denied");
  assert.deepEqual(r.judge(), {
    state: "degraded",
    reason: "writes keep failing: Cannot write: permission denied",
  });
  r.wrote();
  assert.deepEqual(r.judge(), { state: "running" });
});

Deno.test("sink rules: an old backlog degrades the sink, its age shown in doublings", () => {
  const r = new SinkRules(3, 60_000);
  r.lag = 60_000;
  assert.equal(r.judge().state, "running", "at the alarm, not beyond");
  r.lag = 61_000;
  assert.deepEqual(r.judge(), {
    state: "degraded",
    reason: "oldest record not stored for 61 s (lag_alarm_ms 60000)",
  });
  r.lag = 100_000;
  assert.match(r.judge().reason!, /for 61 s/, "the same reason while under double");
  r.failed("Cannot write: canceling statement due to statement timeout");
  r.lag = 130_000;
  assert.deepEqual(r.judge(), {
    state: "degraded",
    reason:
      "oldest record not stored for 130 s (lag_alarm_ms 60000); last error: Cannot write: canceling statement due to statement timeout",
  });
  r.lag = 0;
  assert.equal(r.judge().state, "running");
});
