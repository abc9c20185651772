import type { ActorSpec } from "./messages.ts";

/**
 * Packs the devices and sinks of a kind into `workers[kind]` workers, round robin, one pool per
 * role (the MQTT source and sink share the kind "mqtt"); unlisted kinds and simulators keep a
 * worker per actor. Sets each packed spec's `placement` key, which names its worker.
 */
export function place(specs: ActorSpec[], workers: Readonly<Record<string, number>>): void {
  const placed = new Map<string, number>();
  for (const spec of specs) {
    const n = workers[spec.kind];
    if (n === undefined || spec.role === "simulator") continue;
    const pool = `${spec.role}/${spec.kind}`;
    const i = placed.get(pool) ?? 0;
    placed.set(pool, i + 1);
    spec.placement = `${pool}#${i % n}`;
  }
}
