import assert from "node:assert/strict";
import { Quality } from "../../src/model/sample.ts";
import { ReportFilter } from "./report.ts";

Deno.test("always reports every sample", () => {
  const f = new ReportFilter({ mode: "always", deadband: 0, heartbeatMs: 0 }, new Map());
  assert.deepEqual([1, 1, 1].map((v, i) => f.pass(0, i, v, Quality.good)), [true, true, true]);
});

Deno.test("on_change: first, changes beyond the deadband, quality changes and the heartbeat pass", () => {
  const f = new ReportFilter(
    { mode: "on_change", deadband: 0.5, heartbeatMs: 1000 },
    new Map([[1, 5]]),
  );
  assert.equal(f.pass(0, 0, 10, Quality.good), true, "first value");
  assert.equal(f.pass(0, 100, 10.4, Quality.good), false, "within the deadband");
  assert.equal(f.pass(0, 200, 10.6, Quality.good), true, "beyond it");
  assert.equal(f.pass(0, 300, 10.6, Quality.bad, "timed out"), true, "quality changed");
  assert.equal(f.pass(0, 400, NaN, Quality.bad, "timed out"), false, "still bad, same reason");
  assert.equal(f.pass(0, 500, NaN, Quality.bad, "connection lost"), true, "reason changed");
  assert.equal(f.pass(0, 600, 10.6, Quality.good), true, "good again");
  assert.equal(f.pass(0, 1599, 10.6, Quality.good), false, "heartbeat not due");
  assert.equal(f.pass(0, 1600, 10.6, Quality.good), true, "heartbeat due");
  assert.equal(f.pass(1, 0, 100, Quality.good), true, "tag 1 has its own deadband of 5");
  assert.equal(f.pass(1, 10, 104, Quality.good), false);
  assert.equal(f.pass(1, 20, 106, Quality.good), true);
  assert.equal(f.pass(2, 0, "a", Quality.good), true);
  assert.equal(f.pass(2, 1, "a", Quality.good), false, "same text");
  assert.equal(f.pass(2, 2, "b", Quality.good), true, "changed text");
});
