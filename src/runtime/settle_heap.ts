/**
 * The name under which the gateway's V8 flags expose V8's full collector (`--expose-gc-as`, see
 * src/v8_flags.ts): a name of its own, so no library takes it for the usual `gc`.
 */
export const COLLECTOR = "tagflowCollect";

type Collect = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/**
 * Collects everything unreachable and hands the emptied pages back to the system, when the
 * collector is exposed (else does nothing and returns false). The main thread does this once the
 * start (or a reload) is done: parsing and checking the config, planning and registering every
 * tag leave garbage a quiet main thread would otherwise keep for half a minute, until V8's
 * memory reducer starts (10 MB at 1,000 Modbus devices). It stops the thread for that long (about
 * 75 ms there), so it is for moments of that kind, not for a loop.
 */
export function settleHeap(): boolean {
  const collect = (globalThis as Record<string, unknown>)[COLLECTOR];
  if (typeof collect !== "function") return false;
  (collect as Collect)({ type: "major", execution: "sync", flavor: "last-resort" });
  return true;
}

/**
 * How long after a start or reload the main thread settles its heap: by then its workers have
 * started their actors and registered their tags (1,000 Modbus devices take about 2 s).
 */
export const SETTLE_AFTER_MS = 3000;

/**
 * Settles the heap `ms` after now, unless a later call comes first (a burst of reloads settles
 * once). The timer does not keep the process alive.
 */
export function settleHeapSoon(ms: number): void {
  clearTimeout(pending);
  const timer = setTimeout(settleHeap, ms);
  Deno.unrefTimer(timer);
  pending = timer;
}

/** Drops a settle still to come (the gateway stops). */
export function cancelHeapSettle(): void {
  clearTimeout(pending);
  pending = undefined;
}

let pending: ReturnType<typeof setTimeout> | undefined;
