/**
 * The C allocator's setting `deno task start` gives the gateway: at most two malloc arenas. glibc
 * otherwise gives threads arenas of their own, and a gateway's threads (main, workers, I/O) left
 * their freed memory spread over them: 1,000 Modbus devices took 172 MB with the default and
 * 166 MB with two arenas (a plain single-threaded loop: 118 → 114 MB). A value set in the
 * environment wins.
 */
export const MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };

/** MALLOC_ENV, less what `env` already sets. */
export function mallocEnv(env: (name: string) => string | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(MALLOC_ENV).filter(([k]) => env(k) === undefined));
}
