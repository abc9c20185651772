import assert from "node:assert/strict";
import { Turns } from "./turns.ts";

Deno.test("a long microtask run pauses for the event loop; a short one never waits", async () => {
  const turns = new Turns(5);
  let timerRan = false;
  setTimeout(() => timerRan = true, 0);
  let paused = 0;
  const start = performance.now();
  // Microtasks only: without a pause the timer above could not run before this loop ends.
  while (!timerRan && performance.now() - start < 2000) {
    const p = turns.pause();
    if (p) paused++, await p;
    else await Promise.resolve();
  }
  assert.ok(timerRan, "the timer got its turn while the loop ran");
  assert.ok(paused >= 1);

  const fresh = new Turns(5);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(fresh.pause(), undefined, "the first call of a turn never waits");
});
