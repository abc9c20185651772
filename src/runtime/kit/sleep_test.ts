import assert from "node:assert/strict";
import { abortListeners } from "../../../tests/helpers/abort_listeners.ts";
import { sleep, untilWoken, whenAborted } from "./sleep.ts";

Deno.test("sleep() ends early, without rejecting, when its signal aborts", async () => {
  const ac = new AbortController();
  let ended = false;
  const waiting = sleep(60_000, ac.signal).then(() => ended = true);
  await sleep(1);
  assert.equal(ended, false, "still asleep before the abort");
  ac.abort(new Error("shutdown"));
  await waiting; // a 60 s sleep that did not end would time the test out
  assert.equal(ended, true);
  await sleep(60_000, ac.signal); // an aborted signal: at once
});

Deno.test("sleep() without a signal waits its time", async () => {
  const start = performance.now();
  await sleep(20);
  assert.ok(performance.now() - start >= 19, "resolved before its time");
});

Deno.test("whenAborted() resolves on abort, and at once for an aborted signal", async () => {
  const ac = new AbortController();
  let done = false;
  const p = whenAborted(ac.signal).then(() => done = true);
  await sleep(1);
  assert.equal(done, false);
  ac.abort();
  await p;
  await whenAborted(ac.signal);
});

Deno.test("untilWoken() resolves at the wake-up or the abort, and lets go of the signal", async () => {
  const ac = new AbortController();
  const held = abortListeners(ac.signal);
  const wakers: (() => void)[] = [];
  let woken = 0;
  const waits = Array.from(
    { length: 100 },
    () => untilWoken(wakers, ac.signal).then(() => woken++),
  );
  await sleep(1);
  assert.equal(woken, 0, "nothing woke them yet");
  for (const w of wakers.splice(0)) w();
  await Promise.all(waits);
  assert.equal(woken, 100);
  assert.equal(held(), 0, "each wait removed its abort listener");
  const last = untilWoken(wakers, ac.signal);
  ac.abort();
  await last; // the abort ends a wait no one woke
  await untilWoken([], ac.signal); // an aborted signal: at once
});
