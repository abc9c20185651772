import { Session } from "node:inspector";

/** How long to profile each thread, from TAGFLOW_CPU_PROFILE_MS (benches set it); else none. */
export function profileWindowMs(): number | undefined {
  const ms = Number(Deno.env.get("TAGFLOW_CPU_PROFILE_MS") ?? "");
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/**
 * Runs V8's sampling profiler in this thread for `ms`, then hands the profile (Chrome's
 * .cpuprofile format, for a flame chart in DevTools or speedscope) to `done`.
 */
export function profileFor(ms: number, done: (profile: unknown) => void): void {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) =>
      session.post(
        method,
        {},
        (err, result) => err ? reject(err) : resolve((result ?? {}) as Record<string, unknown>),
      )
    );
  (async () => {
    await post("Profiler.enable");
    await post("Profiler.start");
    await new Promise((r) => setTimeout(r, ms));
    const { profile } = await post("Profiler.stop");
    session.disconnect();
    done(profile);
  })().catch(() => session.disconnect());
}
