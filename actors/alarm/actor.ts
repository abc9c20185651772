import { BatchBuilder, columns, type SampleBatch } from "../../src/model/batch.ts";
import { Quality } from "../../src/model/sample.ts";
import type { TagMeta } from "../../src/model/tag.ts";
import { type ActorContext, TagInputs, writeRefused } from "../../src/runtime/kit.ts";
import type { AlarmConfig, AlarmTransformConfig } from "./config.ts";
import { AlarmState, type Level, levelOf } from "./limits.ts";

interface Watch {
  name: string;
  cfg: AlarmConfig;
  state: AlarmState;
  raw: Level | undefined;
  /** Tag indexes of its state, severity and acknowledged tags, once registered. */
  stateTag?: number;
  severityTag?: number;
  ackTag?: number;
  /** The time of its latest state change (an acknowledgement is stamped after it). */
  changedAt: number;
  announced: boolean;
}

const WORDS: Record<string, string> = {
  hh: "above high-high",
  h: "above high",
  l: "below low",
  ll: "below low-low",
};

/**
 * Alarms on tags: each a tag `<device path>/alarms/<name>` whose value is the active level (hh,
 * h, l, ll, on) or `cleared`, and `<…>/severity` (0 when cleared); a new state goes out when it
 * changes, with what made it in the reason. A bad input value changes nothing (the alarm cannot
 * judge it).
 */
export default async function alarmTransform(ctx: ActorContext<AlarmTransformConfig>) {
  const cfg = ctx.config;
  const output = ctx.output!;
  const input = ctx.input!;
  const watches: Watch[] = Object.entries(cfg.alarms).map(([name, a]) => ({
    name,
    cfg: a,
    state: new AlarmState(a.on_delay_ms, a.off_delay_ms),
    raw: undefined,
    announced: false,
    changedAt: 0,
  }));
  const refs = watches.map((w) => w.cfg.tag);
  /** The watches of each input. */
  const byInput: Watch[][] = [];
  const inputs = new TagInputs(refs, (i, meta) => {
    const mine = watches.filter((w) => w.cfg.tag === `${meta.device}/${meta.name}`);
    byInput[i] = mine;
    const base = meta.path.slice(0, meta.path.length - meta.name.length);
    // The state tag is writable: writing true to it acknowledges the alarm (the command path
    // checks, rate-limits and audits it like any write).
    const tag = (name: string, type: TagMeta["type"], writable = false): TagMeta => ({
      name,
      device: meta.device,
      path: base + name,
      type,
      writable,
    });
    const metas = mine.flatMap((w): TagMeta[] => [
      tag(`alarms/${w.name}`, "string", true),
      tag(`alarms/${w.name}/severity`, "int16"),
      tag(`alarms/${w.name}/acknowledged`, "bool"),
    ]);
    const first = output.registerTags(metas);
    mine.forEach((w, k) => {
      w.stateTag = first + 3 * k;
      w.severityTag = first + 3 * k + 1;
      w.ackTag = first + 3 * k + 2;
    });
  });
  ctx.onCommand(async (command) => {
    const w = watches.find((x) => command.op === "write" && command.tag === `alarms/${x.name}`);
    const where = `${ctx.id}.${String(command.tag)}`;
    if (!w) throw writeRefused(where, "not an alarm of this transform");
    if (command.value !== true && command.value !== "ack") {
      throw writeRefused(where, 'write true (or "ack") to acknowledge the alarm');
    }
    if (!w.state.acknowledge()) {
      throw writeRefused(
        where,
        w.state.active ? "it is acknowledged already" : "it is not active: nothing to acknowledge",
      );
    }
    const b = new BatchBuilder(output.source, 1);
    b.push(w.ackTag!, Math.max(Date.now(), w.changedAt), 1, Quality.good, "acknowledged");
    await output.send(b.build(), ctx.signal);
    ctx.counters.acknowledged = (ctx.counters.acknowledged ?? 0) + 1;
    return { written: true, status: "Good", readback: w.state.active };
  });
  ctx.setState("running");
  for (let batch = await input.next(); batch; batch = await input.next()) {
    ctx.counters.samples_in += batch.count;
    inputs.learn(ctx.tags);
    const out = evaluate(batch);
    input.ack();
    if (out) await output.send(out, ctx.signal);
  }

  function evaluate(batch: SampleBatch): SampleBatch | undefined {
    if (!inputs.feeds(batch.source)) return undefined;
    const c = columns(batch);
    const events: [Watch, number, string, number, string][] = [];
    for (let r = 0; r < batch.count; r++) {
      const i = inputs.inputOf(batch.source, c.tag[r]);
      if (i === undefined) continue;
      const value = c.value[r], ts = c.ts[r];
      if (c.quality[r] === Quality.bad || Number.isNaN(value)) continue;
      for (const w of byInput[i] ?? []) {
        const a = w.cfg;
        const condition = a.condition
          ? ((value !== 0) === (a.condition === "on") ? "on" as const : undefined)
          : (w.raw = levelOf(value, w.raw, a));
        const change = w.state.update(ts, condition);
        if (change) {
          const level = change.level;
          const sev = level ? a.severity[level] : 0;
          const why = level === undefined
            ? `cleared at ${value}`
            : level === "on"
            ? a.message ?? `${a.tag} is ${a.condition}`
            : `${value} ${WORDS[level]} ${a[level]}${a.message ? `: ${a.message}` : ""}`;
          events.push([w, ts, level ?? "cleared", sev, why]);
          w.changedAt = ts;
          ctx.counters.alarm_changes = (ctx.counters.alarm_changes ?? 0) + 1;
        } else if (!w.announced) {
          events.push([
            w,
            ts,
            w.state.active ?? "cleared",
            w.state.active ? a.severity[w.state.active] : 0,
            "first value",
          ]);
        }
        w.announced = true;
      }
    }
    if (events.length === 0) return undefined;
    const b = new BatchBuilder(output.source, events.length * 3);
    for (const [w, ts, state, sev, why] of events) {
      if (w.stateTag === undefined) continue;
      b.pushText(w.stateTag, ts, state, Quality.good, why);
      b.push(w.severityTag!, ts, sev, Quality.good);
      // A new state is not acknowledged yet.
      b.push(w.ackTag!, ts, w.state.acknowledged ? 1 : 0, Quality.good);
    }
    ctx.counters.active_alarms = watches.filter((w) => w.state.active !== undefined).length;
    return b.count > 0 ? b.build() : undefined;
  }
}
