/**
 * Waits until woken: `register` is given the function that wakes the wait (a queue of waiters
 * keeps it), and the wait rejects with the signal's reason if that aborts first. `wake(err)`
 * rejects instead.
 */
export function untilWoken(
  register: (wake: (err?: Error) => void) => void,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    register((err) => {
      signal?.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve();
    });
  });
}
