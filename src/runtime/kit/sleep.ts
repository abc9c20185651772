/**
 * Resolves after `ms`, or as soon as the signal aborts: a loop that sleeps between attempts checks
 * its signal afterwards and stops. Never rejects. (A schedule that sleeps thousands of times a
 * second keeps one abort listener for all of its sleeps instead: see fixedRate.)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Resolves when the signal aborts. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * Waits for a wake-up: adds a waker to `wakers` (whoever holds the list calls what it holds, and
 * empties it) and resolves when it is called or when the signal aborts. The abort listener goes at
 * the wake-up, so a signal that lives long keeps nothing of the waits.
 */
export function untilWoken(wakers: (() => void)[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    wakers.push(done);
    signal.addEventListener("abort", done, { once: true });
  });
}
