/**
 * Settles as `p` does, or rejects with `error()` as soon as the signal aborts (a later failure of
 * `p` is then ignored). The abort listener goes once `p` settles, so a signal that lives long
 * (a connection's, a gateway's) keeps nothing of the promises raced against it: a
 * `Promise.race([p, closed])` per message would keep every settled `p`'s value for as long as
 * `closed` stays pending.
 */
export function unlessAborted<T>(
  p: Promise<T>,
  signal: AbortSignal,
  error: () => Error,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => {});
      reject(error());
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
