import type { Config } from "./config/schema.ts";
import { permissionsOf } from "./permissions.ts";
import { drivers } from "../actors/registry.ts";
import type { ActorSpec } from "./runtime/messages.ts";
import { joinSources, place } from "./runtime/placement.ts";
import type { SinkQueue } from "./runtime/router.ts";

/** What the runtime needs from a config: the actors, the routes and the sink queues. */
export interface Plan {
  actors: ActorSpec[];
  routes: Map<string, string[]>;
  queues: Map<string, SinkQueue>;
}

/** Turns a validated config into actor specs; devices get the gateway's UNS levels merged with their own. */
/**
 * The queue in front of a transform: it holds the devices back when full (a computation never
 * drops its input); its results then queue for the sinks as a device's do.
 */
const TRANSFORM_QUEUE: SinkQueue = { maxSamples: 100_000, whenFull: "block" };

export function planFromConfig(config: Config): Plan {
  const gateway = config.gateway.name;
  const actors: ActorSpec[] = [];
  for (const [id, sim] of Object.entries(config.simulators)) {
    actors.push({ id, kind: sim.kind, role: "simulator", config: sim, gateway });
  }
  for (const [id, dev] of Object.entries(config.devices)) {
    const uns = { ...config.uns, ...dev.uns };
    const health = {
      degradedAfter: dev.health?.degraded_after ?? config.health.degraded_after,
      staleAfterMs: dev.health?.stale_after_ms,
      lagAlarmMs: config.health.lag_alarm_ms,
    };
    actors.push({ id, kind: dev.kind, role: "device", config: dev, gateway, uns, health });
  }
  const queues = new Map<string, SinkQueue>();
  for (const [id, sink] of Object.entries(config.sinks)) {
    const health = {
      degradedAfter: sink.health?.degraded_after ?? config.health.degraded_after,
      lagAlarmMs: sink.health?.lag_alarm_ms ?? config.health.lag_alarm_ms,
    };
    actors.push({ id, kind: sink.kind, role: "sink", config: sink, gateway, health });
    queues.set(id, { maxSamples: sink.queue.max_samples, whenFull: sink.queue.when_full });
  }
  for (const [id, t] of Object.entries(config.transforms)) {
    actors.push({ id, kind: t.kind, role: "transform", config: t, gateway, uns: config.uns });
    queues.set(id, TRANSFORM_QUEUE);
  }
  for (const a of actors) a.permissions = permissionsOf(a);
  place(actors, { ...defaultPlacement(actors), ...config.gateway.placement });
  // Sources: devices and transforms; each feeds the sinks its routes name and the transforms
  // that take from it.
  const sourceIds = [...Object.keys(config.devices), ...Object.keys(config.transforms)];
  const sinkIds = Object.keys(config.sinks);
  const routes = new Map<string, string[]>(sourceIds.map((d) => [d, []]));
  for (const r of config.routes ?? [{ from: "*", to: "*" }]) {
    for (const d of r.from === "*" ? sourceIds : r.from) {
      const targets = routes.get(d)!;
      for (const s of r.to === "*" ? sinkIds : r.to) if (!targets.includes(s)) targets.push(s);
    }
  }
  for (const [id, t] of Object.entries(config.transforms)) {
    for (const d of t.from) routes.get(d)!.push(id);
  }
  const joins = new Set(
    drivers.filter((d) => d.role === "sink" && d.joinsSources).map((d) => d.kind),
  );
  joinSources(actors, routes, (sink) => joins.has(sink.kind));
  return { actors, routes, queues };
}

/**
 * Workers per kind for the kinds whose driver packs its actors (`perWorker`), by their count, at
 * most one per CPU core: each worker is an isolate with its own heap and collector, and 5,000
 * Modbus devices in 10 workers on 2 cores took 111 % of a core and 1,577 MB against 76 % and
 * 1,150 MB in 2 (BENCHMARKS.md).
 */
export function defaultPlacement(
  actors: readonly ActorSpec[],
  cores = navigator.hardwareConcurrency || 1,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of drivers) {
    if (!d.perWorker) continue;
    const n = actors.filter((a) => a.kind === d.kind && a.role === d.role).length;
    if (n > 0) out[d.kind] = Math.min(Math.ceil(n / d.perWorker), Math.max(1, cores));
  }
  return out;
}
