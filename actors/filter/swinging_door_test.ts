import assert from "node:assert/strict";
import fc from "fast-check";
import { SwingingDoor } from "./swinging_door.ts";
import { runs } from "../../tests/fuzz/runs.ts";

/** Runs a series through the door; the kept points. */
function compress(series: [number, number][], deviation: number, maxIntervalMs = Infinity) {
  const kept: [number, number][] = [];
  const door = new SwingingDoor(deviation, maxIntervalMs, (t, v) => kept.push([t, v]));
  for (const [t, v] of series) door.push(t, v);
  door.flush();
  return kept;
}

/** The kept points' straight line at time t. */
function line(kept: [number, number][], t: number): number {
  const i = kept.findIndex(([tk]) => tk >= t);
  if (kept[i][0] === t) return kept[i][1];
  const [[t0, v0], [t1, v1]] = [kept[i - 1], kept[i]];
  return v0 + (v1 - v0) * (t - t0) / (t1 - t0);
}

const series = fc.array(
  fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.double({ min: -1000, max: 1000, noNaN: true })),
  { minLength: 1, maxLength: 300 },
).map((steps) => {
  let t = 0;
  return steps.map(([dt, v]) => [t += dt, v] as [number, number]);
});

Deno.test("swinging door: never beyond its deviation from any input point; first and last kept", () => {
  fc.assert(
    fc.property(series, fc.double({ min: 0.001, max: 100, noNaN: true }), (s, deviation) => {
      const kept = compress(s, deviation);
      assert.deepEqual(kept[0], s[0]);
      assert.deepEqual(kept.at(-1), s.at(-1));
      for (const [t, v] of s) {
        assert.ok(Math.abs(line(kept, t) - v) <= deviation * (1 + 1e-9) + 1e-9, `t ${t}`);
      }
    }),
    runs(2),
  );
});

Deno.test("swinging door: a ramp and a constant keep two points; a max interval keeps more", () => {
  const ramp = Array.from({ length: 100 }, (_, i) => [i * 1000, i * 0.5] as [number, number]);
  assert.deepEqual(compress(ramp, 0.1), [[0, 0], [99_000, 49.5]]);
  const flat = Array.from({ length: 100 }, (_, i) => [i * 1000, 7] as [number, number]);
  assert.equal(compress(flat, 0.1).length, 2);
  const gaps = compress(flat, 0.1, 10_000).map(([t]) => t);
  assert.ok(gaps.every((t, i) => i === 0 || t - gaps[i - 1] <= 10_000), `${gaps}`);
  // A step: both sides of it kept.
  const step = [[0, 0], [1000, 0], [2000, 0], [3000, 10], [4000, 10]] as [number, number][];
  assert.deepEqual(compress(step, 0.5), [[0, 0], [2000, 0], [3000, 10], [4000, 10]]);
});

Deno.test("swinging door: with a max interval, no two kept points further apart (but for a gap in the input)", () => {
  fc.assert(
    fc.property(series, fc.integer({ min: 1000, max: 20_000 }), (s, max) => {
      const kept = compress(s, 5, max);
      for (let i = 1; i < kept.length; i++) {
        const gap = kept[i][0] - kept[i - 1][0];
        // Longer only when the input itself has no point in between.
        const between = s.filter(([t]) => t > kept[i - 1][0] && t < kept[i][0]).length;
        assert.ok(gap <= max || between === 0, `gap ${gap} with ${between} points between`);
      }
      for (const [t, v] of s) assert.ok(Math.abs(line(kept, t) - v) <= 5 + 1e-9);
    }),
    runs(2),
  );
});
