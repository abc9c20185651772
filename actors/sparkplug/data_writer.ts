import { Quality } from "../../src/model/sample.ts";
import type { Counters, Row, Rows, SinkWriter, Verdict } from "../../src/runtime/kit.ts";
import type { DeviceLife } from "./device_life.ts";
import { dataMetric, type MetricSample } from "./messages.ts";
import type { MetricDef, NodeMetrics } from "./node_metrics.ts";
import type { EdgeSession } from "./session.ts";

/** How long after start a record may name a tag no device has registered yet (they register). */
const UNKNOWN_GRACE_MS = 30_000;

class Rejected extends Error {}

/**
 * The drain's side of the Sparkplug sink: rows from the disk buffer, in order, as DDATA by alias
 * (historical when older than the value its device's birth carried: the host has a newer current
 * value, so the row only goes to its history), with a DDEATH when a device's every metric has gone
 * bad and a DBIRTH when it is back (bad values of a dead device are skipped, counted in
 * `dead_values_skipped`: its DDEATH said all of them are bad). A write publishes all its messages
 * in one go, or nothing: when the node is not born it throws before sending any (retried from the
 * buffer).
 */
export function dataWriter(
  session: EdgeSession,
  metrics: NodeMetrics,
  life: DeviceLife,
  maxPerMessage: number,
  startedAt: number,
  counters: Counters,
): SinkWriter {
  return {
    async write(rows: Rows) {
      const all = rows.all();
      const defs = resolve(all, metrics, startedAt);
      if (!session.born) throw new Error("the edge node is not born");
      const steps: (() => Promise<void>)[] = [];
      const open = new Map<string, { def: MetricDef; s: MetricSample }[]>();
      const flush = (device: string) => {
        const items = open.get(device);
        if (!items) return;
        open.delete(device);
        steps.push(() =>
          session.publish("DDATA", device, {
            timestamp: Date.now(),
            metrics: items.map(({ def, s }) =>
              dataMetric(def, s, s.ts < session.birthTime(def.alias))
            ),
          })
        );
      };
      const birthing = new Set<string>();
      let skipped = 0;
      all.forEach(([, ts, value, text, quality, reason], i) => {
        const def = defs[i];
        const device = def.device;
        const change = life.note(device, def.alias, quality, metrics.metricsOf(device).length);
        if (change === "revived" || (session.needsBirth(device) && !birthing.has(device))) {
          // Back from the dead, or new to this session (or with metrics its birth did not name).
          birthing.add(device);
          flush(device);
          steps.push(() => session.deviceBirth(device));
        }
        if (!change && quality === Quality.bad && life.isDead(device)) {
          skipped++; // a dead device's tags are all bad already: the DDEATH said so
          return;
        }
        const items = open.get(device) ?? [];
        open.set(device, items);
        items.push({ def, s: { ts, value: text ?? value, quality, reason } });
        if (items.length >= maxPerMessage) flush(device);
        if (change === "died") {
          flush(device);
          steps.push(() =>
            session.publish("DDEATH", device, { timestamp: Date.now(), metrics: [] })
          );
        }
      });
      for (const device of [...open.keys()]) flush(device);
      if (skipped > 0) counters.dead_values_skipped = (counters.dead_values_skipped ?? 0) + skipped;
      // All at once: nothing can come between (a host going offline is an event, handled after).
      const sent = steps.map((step) => step());
      await Promise.all(sent);
    },
    classify(err: unknown): Verdict {
      return err instanceof Rejected ? "reject" : "retry";
    },
    close: () => Promise.resolve(),
  };
}

/** The metric of every row; throws before anything is sent when one names no known tag. */
function resolve(rows: Row[], metrics: NodeMetrics, startedAt: number): MetricDef[] {
  return rows.map(([path]) => {
    const def = metrics.byPath(path);
    if (def) return def;
    if (Date.now() - startedAt < UNKNOWN_GRACE_MS) {
      throw new Error(`no device has registered the tag ${path} yet`);
    }
    throw new Rejected(`no device of this gateway has the tag ${path}`);
  });
}
