// A bench's view of the gateway under test, through its HTTP API.
import type { Proc } from "./proc.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sums the counters of every actor of one kind; a counter no actor has is absent. */
export async function actorCounters(api: string, kind: string): Promise<Map<string, number>> {
  const actors = await (await fetch(`${api}/api/actors`)).json() as {
    kind: string;
    counters: Record<string, number>;
  }[];
  const sums = new Map<string, number>();
  for (const a of actors.filter((a) => a.kind === kind)) {
    for (const [k, v] of Object.entries(a.counters)) {
      if (typeof v === "number") sums.set(k, (sums.get(k) ?? 0) + v);
    }
  }
  return sums;
}

/**
 * Waits until /ready answers 200 and `also()` holds, checking every 500 ms; fails when the
 * gateway exits or after 120 s, with its stderr tail.
 */
export async function waitReady(
  gateway: Proc,
  api: string,
  also: () => Promise<boolean> = () => Promise.resolve(true),
): Promise<void> {
  for (const deadline = performance.now() + 120_000;; await sleep(500)) {
    const ready = await fetch(`${api}/ready`).then(
      async (r) => (await r.body?.cancel(), r.ok),
      () => false,
    );
    if (ready && await also()) return;
    if (performance.now() > deadline) {
      throw new Error(`gateway not ready in 120 s: ${gateway.tail.trim()}`);
    }
    if (await Promise.race([gateway.child.status.then(() => true), sleep(0).then(() => false)])) {
      throw new Error(`gateway exited: ${gateway.tail.trim()}`);
    }
  }
}
