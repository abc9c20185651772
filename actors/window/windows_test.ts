import assert from "node:assert/strict";
import fc from "fast-check";
import { type WindowResult, Windows } from "./windows.ts";
import { Quality } from "../../src/model/sample.ts";
import { runs } from "../../tests/fuzz/runs.ts";

const close = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) ||
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

Deno.test("windows: a 10 s tumbling window of a minute's samples", () => {
  const out: WindowResult[] = [];
  const w = new Windows({ sizeMs: 10_000, graceMs: 0 }, (r) => out.push(r));
  for (let t = 0; t <= 20_000; t += 2000) w.push(0, t, t / 1000, Quality.good);
  assert.deepEqual(out.map((r) => [r.start, r.count, r.mean, r.min, r.max, r.first, r.last]), [
    [0, 5, 4, 0, 8, 0, 8],
    [10_000, 5, 14, 10, 18, 10, 18],
  ]);
  // Time-weighted: each value held 2 s, the first from the window's start.
  assert.equal(out[0].twa, (0 + 2 + 4 + 6 + 8) * 2000 / 10_000);
  w.push(0, 5000, 99, Quality.good);
  assert.equal(w.late, 1, "a sample for a closed window is late, not counted");
});

Deno.test("windows: too few good samples make the window bad, with the reason", () => {
  const out: WindowResult[] = [];
  const w = new Windows({ sizeMs: 1000, graceMs: 0, minGood: 2 }, (r) => out.push(r));
  w.push(3, 100, 1, Quality.good);
  w.push(3, 200, NaN, Quality.bad);
  w.advance(1000);
  assert.deepEqual([out[0].tag, out[0].quality, out[0].reason, out[0].samples], [
    3,
    Quality.bad,
    "1 good samples in the window, fewer than 2",
    2,
  ]);
});

/** The windows of a sample list computed the naive way: every window start, every sample. */
function naive(samples: [number, number, boolean][], size: number, hop: number, minGood: number) {
  const starts = new Set<number>();
  for (const [t] of samples) {
    for (let s = Math.floor(t / hop) * hop; s > t - size; s -= hop) starts.add(s);
  }
  return [...starts].sort((a, b) => a - b).map((start) => {
    const inside = samples.filter(([t]) => t >= start && t < start + size);
    const good = inside.filter(([, , g]) => g).sort((a, b) => a[0] - b[0]);
    const v = good.map(([, x]) => x);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    let twa = 0;
    good.forEach(([t, x], i) => {
      twa += x * ((i + 1 < good.length ? good[i + 1][0] : start + size) - (i === 0 ? start : t));
    });
    return {
      start,
      count: v.length,
      samples: inside.length,
      min: v.length ? Math.min(...v) : NaN,
      max: v.length ? Math.max(...v) : NaN,
      sum: v.reduce((a, b) => a + b, 0),
      mean: v.length ? mean : NaN,
      first: v.length ? v[0] : NaN,
      last: v.length ? v[v.length - 1] : NaN,
      stddev: v.length ? Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length) : NaN,
      twa: v.length ? twa / size : NaN,
      quality: v.length >= minGood ? Quality.good : Quality.bad,
    };
  });
}

Deno.test("windows: tumbling and hopping aggregates equal a naive recomputation, samples out of order within the grace", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 60_000 }),
          fc.double({ min: -1e3, max: 1e3, noNaN: true }),
          fc.boolean(),
        ),
        { maxLength: 150 },
      ),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      (samples, hops, parts, minGood) => {
        const hop = 1000 * parts, size = hop * hops;
        // Distinct times (one value per instant), shuffled a little: never more than 5 s late.
        const seen = new Set<number>();
        const list = samples.filter(([t]) => !seen.has(t) && seen.add(t));
        const arrival = [...list].sort((a, b) => a[0] - b[0]).map((s, i) =>
          [s, i + (s[0] % 7)] as const
        )
          .sort((a, b) => a[1] - b[1]).map(([s]) => s);
        const out: WindowResult[] = [];
        const w = new Windows(
          { sizeMs: size, hopMs: hop, graceMs: 1e9, minGood },
          (r) => out.push(r),
        );
        for (const [t, v, good] of arrival) w.push(0, t, v, good ? Quality.good : Quality.bad);
        w.advance(1e12);
        const want = naive(list, size, hop, minGood);
        assert.equal(w.late, 0);
        assert.deepEqual(out.map((r) => r.start), want.map((r) => r.start));
        out.forEach((r, i) => {
          for (
            const k of [
              "count",
              "samples",
              "min",
              "max",
              "sum",
              "mean",
              "first",
              "last",
              "stddev",
              "twa",
              "quality",
            ] as const
          ) {
            assert.ok(close(r[k], want[i][k]), `window ${r.start} ${k}: ${r[k]} vs ${want[i][k]}`);
          }
        });
      },
    ),
    runs(2),
  );
});
