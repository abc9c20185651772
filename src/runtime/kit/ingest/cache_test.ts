import assert from "node:assert/strict";
import { MappedCache } from "./cache.ts";
import type { Mapped } from "./map.ts";

const v = (n: number): Mapped[] => [{ device: "d", ts: n, tags: ["t"], values: [n] }];

Deno.test("records come back by append time and length; unknown ones miss", () => {
  const c = new MappedCache();
  c.put(1, 10, v(1));
  c.put(1.001, 10, v(2));
  assert.equal(c.take(0.5, 10), undefined, "a record recovered from disk");
  assert.deepEqual(c.take(1, 10), v(1));
  assert.equal(c.take(1, 10), undefined, "taken once");
  assert.deepEqual(c.take(1.001, 10), v(2));
});

Deno.test("entries older than a hit are dropped: a failed append leaves nothing behind", () => {
  const c = new MappedCache();
  c.put(1, 10, v(1)); // its append failed: never read
  c.put(2, 10, v(2));
  assert.deepEqual(c.take(2, 10), v(2));
  assert.equal(c.take(1, 10), undefined);
});

Deno.test("bounded by values held: past MAX_VALUES the oldest records go", () => {
  const c = new MappedCache();
  const n = MappedCache.MAX_VALUES;
  for (let i = 0; i <= n; i++) c.put(i, 1, v(i));
  assert.equal(c.take(0, 1), undefined, "pushed out");
  assert.deepEqual(c.take(1, 1), v(1));
  assert.deepEqual(c.take(n, 1), v(n));
  c.put(n + 1, 1, [{
    device: "d",
    ts: 0,
    tags: Array(n + 1).fill("t"),
    values: Array(n + 1).fill(0),
  }]);
  assert.equal(c.take(n + 1, 1), undefined, "a record larger than the bound is not kept");
});
