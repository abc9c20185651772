import assert from "node:assert/strict";
import { rows, type SampleBatch } from "../../model/batch.ts";
import { Quality } from "../../model/sample.ts";
import { zeroCounters } from "../counters.ts";
import { ActorHealth } from "./actor_health.ts";
import { type Judged, Verdict } from "./verdict.ts";

function device(staleAfterMs?: number) {
  const sent: SampleBatch[] = [];
  const states: Judged[] = [];
  const counters = zeroCounters();
  const verdict = new Verdict((state, reason) => states.push({ state, reason }));
  verdict.connection("running");
  const health = new ActorHealth(
    "device",
    { degradedAfter: 2, lagAlarmMs: 1000, staleAfterMs },
    counters,
    verdict,
    (b) => sent.push(b),
    7,
  );
  return { health, sent, states, counters };
}

Deno.test("actor health: a stale tag is published once as uncertain; a keep-alive republishes it", () => {
  const { health, sent, counters } = device();
  health.expect(0, 400);
  health.reading(0, 21.5, Quality.good, undefined, 1000);
  health.tick(2200);
  assert.equal(sent.length, 0);
  health.tick(2201);
  health.tick(2300);
  assert.equal(sent.length, 1);
  assert.deepEqual([...rows(sent[0])], [{
    tag: 0,
    ts: 2201,
    value: 21.5,
    quality: "uncertain",
    reason: "stale since 1970-01-01T00:00:01.000Z",
  }]);
  assert.equal(sent[0].source, 7);
  assert.equal(counters.stale_tags, 1);
  health.alive([0], 3000);
  assert.deepEqual([...rows(sent[1])], [{ tag: 0, ts: 3000, value: 21.5, quality: "good" }]);
});

Deno.test("actor health: a fast interval's default stale limit is at least 1 s", () => {
  const { health, sent } = device();
  health.expect(0, 50);
  health.reading(0, 1, Quality.good, undefined, 0);
  health.tick(1000);
  assert.equal(sent.length, 0, "not stale after 3 × 50 ms");
  health.tick(1001);
  assert.equal(sent.length, 1);
});

Deno.test("actor health: stale_after_ms overrides 3 × the interval", () => {
  const { health, sent } = device(50);
  health.expect(0, 1000);
  health.reading(0, 1, Quality.good, undefined, 0);
  health.tick(51);
  assert.equal(sent.length, 1);
});

Deno.test("actor health: polls judge the device; gauges follow", () => {
  const { health, states, counters } = device();
  for (let i = 0; i < 2; i++) {
    health.reading(0, NaN, Quality.bad, "illegal data address", i);
    health.polled();
  }
  assert.deepEqual(states.at(-1), {
    state: "degraded",
    reason: "illegal data address (2 polls in a row read nothing good)",
  });
  health.tick(10);
  assert.equal(counters.consecutive_failures, 2);
  assert.equal(counters.bad_tags, 1);
  health.reading(0, 5, Quality.good, undefined, 20);
  health.polled();
  assert.deepEqual(states.at(-1), { state: "running", reason: undefined });
});

Deno.test("actor health: a sink with an old backlog is degraded while connected", () => {
  const states: Judged[] = [];
  const counters = zeroCounters();
  const verdict = new Verdict((state, reason) => states.push({ state, reason }));
  verdict.connection("running");
  const health = new ActorHealth("sink", { degradedAfter: 3, lagAlarmMs: 1000 }, counters, verdict);
  let lag = 0;
  health.lagFrom(() => lag);
  health.tick(0);
  lag = 1500;
  health.tick(1);
  assert.equal(counters.lag_ms, 1500);
  assert.deepEqual(states, [
    { state: "running", reason: undefined },
    { state: "degraded", reason: "oldest record not stored for 2 s (lag_alarm_ms 1000)" },
  ]);
});
