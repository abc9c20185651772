/**
 * A TCP port on 127.0.0.1 that was free a moment ago, below Linux's ephemeral range (32768+): a
 * client reconnecting to a stopped server's ephemeral port can connect to itself and keep the
 * port, so the server could not come back.
 */
export function freePort(): number {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch { /* taken: try another */ }
  }
}

/**
 * Polls `check` every `everyMs` until it returns a value; throws naming `what` after `withinMs`.
 * A bound on waiting, not a timing assertion: generous limits keep slow machines green.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  // Generous: in a fresh clone the first worker a test starts is type-checked first (10–20 s on
  // a busy 2-core machine); a passing test never waits this long.
  withinMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up waiting: ${what}${last ? ` (last error: ${last})` : ""}`);
}
