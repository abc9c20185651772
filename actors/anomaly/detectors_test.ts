import assert from "node:assert/strict";
import { EwmaDetector, MadDetector } from "./detectors.ts";

/** A steady signal with a little noise (deterministic), and a spike at index 150. */
const signal = Array.from(
  { length: 200 },
  (_, i) => 20 + Math.sin(i * 1.7) * 0.5 + (i === 150 ? 8 : 0),
);

Deno.test("EWMA z-score: quiet during warm-up, low on noise, high on a spike", () => {
  const d = new EwmaDetector(0.05, 30);
  const scores = signal.map((x) => d.score(x));
  assert.ok(scores.slice(0, 30).every((z) => z === 0), "warm-up");
  assert.ok(Math.max(...scores.slice(30, 150)) < 3, `noise ${Math.max(...scores.slice(30, 150))}`);
  assert.ok(scores[150] > 6, `spike ${scores[150]}`);
});

Deno.test("MAD score: robust to outliers already in the window", () => {
  const d = new MadDetector(60, 20);
  const withOutliers = signal.map((x, i) => (i % 25 === 0 && i > 0 && i < 140 ? x + 30 : x));
  const scores = withOutliers.map((x) => d.score(x));
  assert.ok(scores.slice(0, 20).every((z) => z === 0), "warm-up");
  assert.ok(scores[150] > 6, `spike ${scores[150]}`);
  assert.ok(scores[149] < 3, `the value before it ${scores[149]}`);
  assert.throws(() => new MadDetector(2, 0), /window 2 must be at least 3/);
});
