import assert from "node:assert/strict";
import { Backoff } from "./backoff.ts";

Deno.test("delays grow by the factor up to maxMs; reset() starts over", () => {
  const b = new Backoff({ initialMs: 100, maxMs: 1000, factor: 3, jitter: 0.5 }, () => 0);
  assert.deepEqual(Array.from({ length: 5 }, () => b.next()), [100, 300, 900, 1000, 1000]);
  assert.equal(b.attempt, 5);
  b.reset();
  assert.equal(b.attempt, 0);
  assert.equal(b.next(), 100);
  const doubling = new Backoff({ initialMs: 500, maxMs: 30_000, jitter: 0 });
  assert.deepEqual([doubling.next(), doubling.next(), doubling.next()], [500, 1000, 2000]);
});

Deno.test("jitter takes at most the jitter fraction off, never exceeding maxMs", () => {
  for (const jitter of [0, 0.3, 1]) {
    const low = new Backoff({ initialMs: 100, maxMs: 700, jitter }, () => 0.999);
    const high = new Backoff({ initialMs: 100, maxMs: 700, jitter }, () => 0);
    for (const base of [100, 200, 400, 700, 700]) {
      const [l, h] = [low.next(), high.next()];
      assert.equal(h, base, `jitter ${jitter}: random 0 gives the full delay`);
      assert.ok(l >= Math.floor(base * (1 - jitter)) && l <= base, `${l} for ${base}`);
      if (jitter > 0) assert.ok(l < base, `jitter ${jitter} took nothing off ${base}`);
    }
  }
});
