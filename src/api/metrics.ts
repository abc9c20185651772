import { histogramsIn } from "../runtime/histogram.ts";
import { GAUGES } from "../runtime/counters.ts";
import type { ActorStatus } from "../runtime/status.ts";

/** What a gauge means, where its name does not say it. */
const HELP: Record<string, string> = {
  consecutive_failures:
    "polls in a row that read nothing good (devices), writes in a row that failed (sinks)",
  good_values: "good values read in the device's last interval",
  bad_tags: "tags whose latest value is bad",
  stale_tags: "tags published as stale that have had no news since",
  lag_ms: "age of the oldest record a sink took and has not stored yet",
};

const STATES = ["starting", "running", "degraded", "failed", "stopped"];

const label = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The process's memory: resident set and the main thread's V8 heap, in bytes. */
export interface ProcessMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
}

/**
 * Every actor's state and counters in Prometheus text format (version 0.0.4), and the process's
 * memory when given (workers' heaps are part of the resident set).
 */
export function prometheusText(actors: Iterable<ActorStatus>, memory?: ProcessMemory): string {
  const families = new Map<string, { type: string; help: string; lines: string[] }>();
  const add = (name: string, type: string, help: string, labels: string, value: number) => {
    let f = families.get(name);
    if (!f) families.set(name, f = { type, help, lines: [] });
    f.lines.push(`${name}${labels ? `{${labels}}` : ""} ${Number.isFinite(value) ? value : 0}`);
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
    const { plain, histograms } = histogramsIn(a.counters);
    for (const [k, v] of plain) {
      if (GAUGES.has(k)) {
        add(`tagflow_${k}`, "gauge", HELP[k] ?? `current ${k.replaceAll("_", " ")}`, base, v);
      } else add(`tagflow_${k}_total`, "counter", `${k.replaceAll("_", " ")} since start`, base, v);
    }
    for (const h of histograms) {
      const name = `tagflow_${h.name}`;
      let cumulative = 0;
      // A bucket nothing fell in has no counter; the +Inf bucket is always written.
      const buckets: [number, number][] = h.buckets.at(-1)?.[0] === Infinity
        ? h.buckets
        : [...h.buckets, [Infinity, 0]];
      for (const [bound, count] of buckets) {
        cumulative += count;
        const le = bound === Infinity ? "+Inf" : String(bound);
        add(
          `${name}_bucket`,
          "histogram",
          h.name.replaceAll("_", " "),
          `${base},le="${le}"`,
          cumulative,
        );
      }
      add(`${name}_sum`, "histogram", "", base, h.sum);
      add(`${name}_count`, "histogram", "", base, cumulative);
    }
  }
  if (memory) {
    add("tagflow_process_resident_memory_bytes", "gauge", "resident set size", "", memory.rss);
    add("tagflow_main_heap_used_bytes", "gauge", "main thread V8 heap used", "", memory.heapUsed);
    add("tagflow_main_heap_total_bytes", "gauge", "main thread V8 heap size", "", memory.heapTotal);
  }
  const out: string[] = [];
  for (const [name, f] of families) {
    if (name.endsWith("_count") || name.endsWith("_sum")) {
      out.push(...f.lines);
      continue;
    }
    const family = name.replace(/_bucket$/, "");
    out.push(`# HELP ${family} ${f.help}`, `# TYPE ${family} ${f.type}`, ...f.lines);
  }
  return out.join("\n") + "\n";
}
