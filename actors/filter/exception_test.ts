import assert from "node:assert/strict";
import fc from "fast-check";
import { ExceptionFilter, outOfRange, tooFast } from "./exception.ts";
import { Quality } from "../../src/model/sample.ts";
import { runs } from "../../tests/fuzz/runs.ts";

Deno.test("report by exception: first value, beyond the deadband from the last sent, quality, heartbeat", () => {
  const f = new ExceptionFilter({ absolute: 0.5, heartbeatMs: 10_000 });
  const sent = [
    [0, 20],
    [1000, 20.3],
    [2000, 20.6], // 0.6 from 20 (the last sent), though 0.3 from the last seen
    [3000, 20.9],
    [4000, 21.2], // 0.6 from 20.6
    [14_000, 21.2], // heartbeat
  ].filter(([ts, v]) => f.pass(0, ts, v, Quality.good)).map(([ts]) => ts);
  assert.deepEqual(sent, [0, 2000, 4000, 14_000]);
  assert.equal(f.pass(0, 15_000, 21.2, Quality.uncertain), true, "a new quality is news");
  assert.equal(f.pass(1, 15_000, 21.2, Quality.good), true, "each tag apart");
  const pct = new ExceptionFilter({ percent: 10 });
  assert.deepEqual([100, 109, 111, 121, 123].map((v, i) => pct.pass(0, i, v, Quality.good)), [
    true,
    false,
    true,
    false,
    true,
  ]);
  const any = new ExceptionFilter({});
  assert.deepEqual([1, 1, 2, 2, NaN, NaN, 2].map((v, i) => any.pass(0, i, v, Quality.good)), [
    true,
    false,
    true,
    false,
    true,
    false,
    true,
  ]);
  const text = new ExceptionFilter({});
  assert.deepEqual(["a", "a", "b"].map((t, i) => text.pass(0, i, NaN, Quality.good, t)), [
    true,
    false,
    true,
  ]);
});

Deno.test("report by exception: every value held back is within the deadband of the last sent, and the heartbeat holds", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: 1, max: 3000 }),
          fc.double({ min: -100, max: 100, noNaN: true }),
        ),
        { maxLength: 200 },
      ),
      fc.double({ min: 0, max: 10, noNaN: true }),
      fc.integer({ min: 1000, max: 20_000 }),
      (steps, band, heartbeat) => {
        const f = new ExceptionFilter({ absolute: band, heartbeatMs: heartbeat });
        let t = 0, last: [number, number] | undefined;
        for (const [dt, v] of steps) {
          t += dt;
          if (f.pass(0, t, v, Quality.good)) last = [t, v];
          else {
            assert.ok(last, "the first value always goes on");
            assert.ok(Math.abs(v - last[1]) <= band, `held back ${v}, last sent ${last[1]}`);
            assert.ok(t - last[0] < heartbeat, "no longer than the heartbeat without a value");
          }
        }
      },
    ),
    runs(2),
  );
});

Deno.test("range gate and rate-of-change limit say why", () => {
  assert.equal(outOfRange(5, 0, 10), undefined);
  assert.equal(outOfRange(11, 0, 10), "11 outside the range [0, 10]");
  assert.equal(tooFast(0, 20, 1000, 25, 10), undefined);
  assert.equal(tooFast(0, 20, 500, 40, 10), "changing 40/s, faster than the limit 10/s");
  assert.equal(tooFast(0, NaN, 500, 40, 10), undefined, "no rate from a bad value");
});
