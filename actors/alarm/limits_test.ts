import assert from "node:assert/strict";
import fc from "fast-check";
import { AlarmState, type Level, levelOf, type Limits } from "./limits.ts";
import { runs } from "../../tests/fuzz/runs.ts";

/** Runs values (one a second) through levels and state; the changes. */
function run(values: number[], limits: Limits, onDelayMs = 0, offDelayMs = 0) {
  const state = new AlarmState(onDelayMs, offDelayMs);
  let level: Level | undefined;
  const changes: [number, string][] = [];
  values.forEach((v, i) => {
    level = levelOf(v, level, limits);
    const c = state.update(i * 1000, level);
    if (c) changes.push([i, c.level ?? "cleared"]);
  });
  return changes;
}

Deno.test("limit alarm: high, high-high and back, each level left only past its deadband", () => {
  const limits = { hh: 90, h: 80, l: 10, ll: 5, deadband: 2 };
  assert.deepEqual(run([50, 81, 79, 77, 91, 89, 87, 50, 9, 11, 13, 4, 6, 8], limits), [
    [1, "h"],
    [3, "cleared"],
    [4, "hh"],
    [6, "h"],
    [7, "cleared"],
    [8, "l"],
    [10, "cleared"],
    [11, "ll"],
    [13, "l"],
  ]);
});

Deno.test("limit alarm: on and off delays keep short excursions out", () => {
  // 2 s on-delay: the one-second spike at 3 does nothing; the long one activates after 2 s.
  assert.deepEqual(run([50, 50, 50, 85, 50, 85, 85, 85, 50, 50, 50, 50], { h: 80 }, 2000, 3000), [
    [7, "h"],
    [11, "cleared"],
  ]);
});

Deno.test("condition alarm: on, acknowledged, a new activation needs a new acknowledgement", () => {
  const s = new AlarmState();
  assert.deepEqual(s.update(0, "on"), { ts: 0, level: "on", was: undefined });
  assert.equal(s.acknowledge(), true);
  assert.equal(s.acknowledge(), false, "once");
  assert.equal(s.acknowledged, true);
  s.update(1, undefined);
  assert.equal(s.acknowledge(), false, "nothing active");
  s.update(2, "on");
  assert.equal(s.acknowledged, false);
});

Deno.test("limit alarm: a signal oscillating inside the deadband never chatters", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -1000, max: 1000, noNaN: true }),
      fc.double({ min: 0.001, max: 50, noNaN: true }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.constantFrom<keyof Limits>("h", "l"),
      (limit, deadband, walk, which) => {
        // Values anywhere between the limit and the limit ± deadband on its inner side, and a
        // little beyond: at most one change (in), never back and forth.
        const inner = which === "h" ? -deadband : deadband;
        const values = walk.map((x) =>
          limit + inner * (1 - x) - Math.sign(inner) * deadband * 0.01 * x
        );
        const changes = run(values, { [which]: limit, deadband });
        assert.ok(changes.length <= 1, `${changes.length} changes`);
      },
    ),
    runs(2),
  );
});
