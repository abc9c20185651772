import { Quality } from "../../src/model/sample.ts";
import type { Counters, Rows, SinkWriter, Verdict } from "../../src/runtime/kit.ts";
import type { DeviceLife } from "./device_life.ts";
import { DdataStream } from "./ddata.ts";
import type { MetricSample } from "./messages.ts";
import type { MetricDef, NodeMetrics } from "./node_metrics.ts";
import type { EdgeSession, MessageRun } from "./session.ts";

/** How long after start a record may name a tag no device has registered yet (they register). */
const UNKNOWN_GRACE_MS = 30_000;

class Rejected extends Error {}

/**
 * The drain's side of the Sparkplug sink: rows from the disk buffer, in order, as DDATA by alias
 * (historical when older than the value its device's birth carried: the host has a newer current
 * value, so the row only goes to its history), with a DDEATH when a device's every metric has gone
 * bad and a DBIRTH when it is back (bad values of a dead device are skipped, counted in
 * `dead_values_skipped`: its DDEATH said all of them are bad). A write's messages leave in one
 * socket write, each sent as soon as it is made (a device's written one after another into one
 * buffer); when the node is not born the write throws before sending any (retried from the
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
  /**
   * Sends the rows' messages in order as they fill; returns the count of a dead device's values
   * skipped. Historical by the births as they stand when a row is written: a DBIRTH of its device
   * in this run comes first (its open message sent before), and only that moves them.
   */
  // A device's first buffer holds about four messages of good numbers (~24 bytes each); it grows.
  const room = 64 + maxPerMessage * 4 * 24;
  const sendRows = (rows: Rows, defsOf: MetricDef[][], run: MessageRun): number => {
    // Each device's messages of this write, one after another in one buffer (the open one last).
    const streams = new Map<string, DdataStream>();
    const open = new Set<string>();
    const flush = (device: string) => {
      if (!open.delete(device)) return;
      run.send("DDATA", device, streams.get(device)!);
    };
    const birthing = new Set<string>();
    const sample: MetricSample = { ts: 0, value: null, quality: Quality.good }; // one, reused
    let skipped = 0;
    rows.blocks.forEach((b, k) => {
      const defs = defsOf[k];
      for (let i = 0; i < b.count; i++) {
        const def = defs[b.path[i]];
        const device = def.device;
        const quality = b.quality[i];
        const change = life.note(device, def.alias, quality, metrics.metricsOf(device).length);
        if (change === "revived" || (!birthing.has(device) && session.needsBirth(device))) {
          // Back from the dead, or new to this session (or with metrics its birth did not name).
          birthing.add(device);
          flush(device);
          run.send("DBIRTH", device, session.deviceBirthPayload(device));
        }
        if (!change && quality === Quality.bad && life.isDead(device)) {
          skipped++; // a dead device's tags are all bad already: the DDEATH said so
          continue;
        }
        let stream = streams.get(device);
        if (!stream) streams.set(device, stream = new DdataStream(room));
        if (!open.has(device)) {
          open.add(device);
          stream.open(Date.now());
        }
        const value = b.value[i];
        sample.ts = b.ts[i];
        sample.value = b.text?.get(i) ?? (Number.isNaN(value) ? null : value);
        sample.quality = quality;
        sample.reason = b.reasons?.get(i);
        stream.sample(def, sample, sample.ts < session.birthTime(def.alias));
        if (stream.count >= maxPerMessage) flush(device);
        if (change === "died") {
          flush(device);
          run.send("DDEATH", device, { timestamp: Date.now(), metrics: [] });
        }
      }
    });
    for (const device of [...open]) flush(device);
    return skipped;
  };
  return {
    async write(rows: Rows) {
      // Every block's paths resolved first: a path no tag has throws before anything is sent.
      const defsOf = rows.blocks.map((b) => b.paths.map((p) => resolve(p, metrics, startedAt)));
      const run = session.run(); // throws, sending nothing, when the node is not born
      let skipped = 0;
      try {
        skipped = sendRows(rows, defsOf, run);
      } catch (err) {
        run.abort();
        throw err;
      }
      if (skipped > 0) counters.dead_values_skipped = (counters.dead_values_skipped ?? 0) + skipped;
      await run.end();
    },
    classify(err: unknown): Verdict {
      return err instanceof Rejected ? "reject" : "retry";
    },
    close: () => Promise.resolve(),
  };
}

/** The metric of a path; throws (before anything is sent) when no known tag has it. */
function resolve(path: string, metrics: NodeMetrics, startedAt: number): MetricDef {
  const def = metrics.byPath(path);
  if (def) return def;
  if (Date.now() - startedAt < UNKNOWN_GRACE_MS) {
    throw new Error(`no device has registered the tag ${path} yet`);
  }
  throw new Rejected(`no device of this gateway has the tag ${path}`);
}
