import type { Config } from "./config/schema.ts";
import type { ActorSpec } from "./runtime/messages.ts";
import type { SinkQueue } from "./runtime/router.ts";

/** What the runtime needs from a config: the actors, the routes and the sink queues. */
export interface Plan {
  actors: ActorSpec[];
  routes: Map<string, string[]>;
  queues: Map<string, SinkQueue>;
}

/** Turns a validated config into actor specs; device configs get the merged UNS levels. */
export function planFromConfig(config: Config): Plan {
  const actors: ActorSpec[] = [];
  for (const [id, sim] of Object.entries(config.simulators)) {
    actors.push({ id, kind: `${sim.kind}_sim`, role: "simulator", config: sim });
  }
  for (const [id, dev] of Object.entries(config.devices)) {
    actors.push({
      id,
      // The MQTT source is a device kind "mqtt" in the config; "mqtt" actors are the sink.
      kind: dev.kind === "mqtt" ? "mqtt_source" : dev.kind,
      role: "device",
      config: { ...dev, uns: { ...config.uns, ...dev.uns }, gateway: config.gateway.name },
    });
  }
  const queues = new Map<string, SinkQueue>();
  for (const [id, sink] of Object.entries(config.sinks)) {
    const cfg = sink.kind === "mqtt"
      ? {
        ...sink,
        client_id: sink.client_id ?? `${config.gateway.name}-${id}`,
        gateway: config.gateway.name,
      }
      : { ...sink, gateway: config.gateway.name };
    actors.push({ id, kind: sink.kind, role: "sink", config: cfg });
    queues.set(id, { maxSamples: sink.queue.max_samples, whenFull: sink.queue.when_full });
  }
  // Pack actors of a kind into that many workers, round robin; other kinds get a worker each.
  const placed = new Map<string, number>();
  for (const a of actors) {
    const workers = config.gateway.placement[a.kind];
    if (workers === undefined) continue;
    const n = placed.get(a.kind) ?? 0;
    placed.set(a.kind, n + 1);
    a.placement = `${a.kind}#${n % workers}`;
  }
  const deviceIds = Object.keys(config.devices);
  const sinkIds = Object.keys(config.sinks);
  const routes = new Map<string, string[]>(deviceIds.map((d) => [d, []]));
  for (const r of config.routes ?? [{ from: "*", to: "*" }]) {
    for (const d of r.from === "*" ? deviceIds : r.from) {
      const targets = routes.get(d)!;
      for (const s of r.to === "*" ? sinkIds : r.to) if (!targets.includes(s)) targets.push(s);
    }
  }
  return { actors, routes, queues };
}
