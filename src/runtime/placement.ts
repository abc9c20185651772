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

/** The worker an actor runs in, as the supervisor names it. */
export const workerOf = (spec: ActorSpec): string => spec.placement ?? `actor:${spec.id}`;

/**
 * Moves a sink that `joins` allows into the worker of its sources when they all run in one (and
 * no placement put the sink somewhere already): their batches then reach it without crossing to
 * another thread, which saves a wake-up of each thread per batch. `routes` maps each source to the
 * sinks it feeds.
 */
export function joinSources(
  specs: ActorSpec[],
  routes: ReadonlyMap<string, readonly string[]>,
  joins: (sink: ActorSpec) => boolean,
): void {
  const byId = new Map(specs.map((s) => [s.id, s]));
  for (const sink of specs) {
    if (sink.role !== "sink" || sink.placement !== undefined || !joins(sink)) continue;
    const workers = new Set<string>();
    for (const [source, targets] of routes) {
      const spec = byId.get(source);
      if (spec && targets.includes(sink.id)) workers.add(workerOf(spec));
    }
    if (workers.size === 1) sink.placement = [...workers][0];
  }
}
