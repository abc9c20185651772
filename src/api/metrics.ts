import { LAG_BOUNDS, LAG_BUCKETS } from "../runtime/lag_histogram.ts";
import type { ActorStatus } from "../runtime/supervisor.ts";

const GAUGES = new Set(["queue_depth", "queued_samples", "poll_lag_ms"]);
const STATES = ["starting", "running", "degraded", "failed", "stopped"];

const label = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Every actor's state and counters in Prometheus text format (version 0.0.4). */
export function prometheusText(actors: ActorStatus[]): string {
  const families = new Map<string, { type: string; help: string; lines: string[] }>();
  const add = (name: string, type: string, help: string, labels: string, value: number) => {
    let f = families.get(name);
    if (!f) families.set(name, f = { type, help, lines: [] });
    f.lines.push(`${name}{${labels}} ${Number.isFinite(value) ? value : 0}`);
  };
  for (const a of actors) {
    const base = `actor="${label(a.id)}",kind="${label(a.kind)}",role="${a.role}"`;
    for (const s of STATES) {
      add(
        "tagflow_actor_state",
        "gauge",
        "1 for the actor's current state",
        `${base},state="${s}"`,
        a.state === s ? 1 : 0,
      );
    }
    add("tagflow_actor_restarts_total", "counter", "restarts after a failure", base, a.restarts);
    for (const [k, v] of Object.entries(a.counters)) {
      if (k.startsWith("lag_")) continue;
      if (GAUGES.has(k)) add(`tagflow_${k}`, "gauge", `current ${k.replaceAll("_", " ")}`, base, v);
      else add(`tagflow_${k}_total`, "counter", `${k.replaceAll("_", " ")} since start`, base, v);
    }
    if (LAG_BUCKETS.some((b) => a.counters[b] !== undefined)) {
      let cumulative = 0;
      LAG_BUCKETS.forEach((b, i) => {
        cumulative += a.counters[b] ?? 0;
        const le = i < LAG_BOUNDS.length ? String(LAG_BOUNDS[i]) : "+Inf";
        add(
          "tagflow_poll_start_lag_ms_bucket",
          "histogram",
          "poll start lag behind the schedule",
          `${base},le="${le}"`,
          cumulative,
        );
      });
      add("tagflow_poll_start_lag_ms_count", "histogram", "", base, cumulative);
    }
  }
  const out: string[] = [];
  for (const [name, f] of families) {
    if (name.endsWith("_count")) {
      out.push(...f.lines);
      continue;
    }
    const family = name.replace(/_bucket$/, "");
    out.push(`# HELP ${family} ${f.help}`, `# TYPE ${family} ${f.type}`, ...f.lines);
  }
  return out.join("\n") + "\n";
}
