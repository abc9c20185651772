import assert from "node:assert/strict";
import { RateLimits, TokenBucket } from "./rate_limit.ts";

Deno.test("a token bucket gives its burst, then refills at its rate", () => {
  let now = 0;
  const bucket = new TokenBucket(2, 2, () => now);
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
  now = 499;
  assert.equal(bucket.take(), false, "not a whole token after 0.499 s at 2/s");
  now = 500;
  assert.equal(bucket.take(), true);
  now = 60_000;
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false], "capped");
});

Deno.test("rate limits: per tag first, then the global one", () => {
  let now = 0;
  const limits = new RateLimits(1, 3, () => now);
  assert.equal(limits.refuse("d/a"), undefined);
  assert.equal(limits.refuse("d/a"), "tag", "a second command on one tag within the second");
  assert.equal(limits.refuse("d/b"), undefined);
  assert.equal(limits.refuse("d/c"), undefined);
  assert.equal(limits.refuse("d/e"), "global", "the fourth command within the second");
  now = 1000;
  assert.equal(limits.refuse("d/a"), undefined);
});
