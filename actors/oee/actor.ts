import { BatchBuilder, columns, type SampleBatch } from "../../src/model/batch.ts";
import { Quality } from "../../src/model/sample.ts";
import type { TagMeta } from "../../src/model/tag.ts";
import { type ActorContext, TagInputs } from "../../src/runtime/kit.ts";
import type { OeeTransformConfig } from "./config.ts";
import { Oee, type OeeFigures, type RunState } from "./oee.ts";

const FIGURES = ["availability", "performance", "quality", "oee"] as const;

/**
 * OEE of one machine: every `interval_ms`, tags `oee/shift/<figure>` (the shift under way, so
 * far) and `oee/hour/<figure>` (the last hour) for availability, performance, quality and oee,
 * next to the run-state tag's device, and `oee/shift/energy_per_good` with an energy counter.
 * Bad samples are left out (a counter's next good reading counts what happened meanwhile).
 */
export default async function oeeTransform(ctx: ActorContext<OeeTransformConfig>) {
  const cfg = ctx.config;
  const output = ctx.output!;
  const input = ctx.input!;
  const oee = new Oee({
    idealCycleS: cfg.ideal_cycle_s,
    shifts: cfg.shifts,
    utcOffsetMinutes: cfg.utc_offset_minutes,
  });
  const refs = [
    cfg.run_state.tag,
    cfg.total_count,
    cfg.good_count,
    ...(cfg.energy ? [cfg.energy] : []),
  ];
  /** Which reference each input is. */
  const role: number[] = [];
  let first: number | undefined;
  const names = [
    ...FIGURES.map((f) => `oee/shift/${f}`),
    ...FIGURES.map((f) => `oee/hour/${f}`),
    ...(cfg.energy ? ["oee/shift/energy_per_good"] : []),
  ];
  const inputs = new TagInputs(refs, (i, meta, ref) => {
    role[i] = ref;
    if (ref !== 0 || first !== undefined) return;
    const base = meta.path.slice(0, meta.path.length - meta.name.length);
    const metas: TagMeta[] = names.map((name) => ({
      name,
      device: meta.device,
      path: base + name,
      type: "float64",
      writable: false,
    }));
    first = output.registerTags(metas);
  });
  const state = (v: number): RunState | undefined =>
    cfg.run_state.states
      ? cfg.run_state.states[String(Math.round(v))]
      : v !== 0
      ? "running"
      : "stopped";
  const publish = async (now: number) => {
    if (first === undefined) return;
    const b = new BatchBuilder(output.source, names.length);
    const put = (k: number, v: number | undefined) =>
      v !== undefined && Number.isFinite(v)
        ? b.push(first! + k, now, v, Quality.good)
        : b.push(first! + k, now, NaN, Quality.bad, "no planned time or no parts yet");
    const shift = oee.shift(now);
    const hour = oee.lastHour(now);
    FIGURES.forEach((f, k) => put(k, shift ? (shift as OeeFigures)[f] : undefined));
    FIGURES.forEach((f, k) => put(FIGURES.length + k, hour[f]));
    if (cfg.energy) put(2 * FIGURES.length, shift?.energyPerGood);
    await output.send(b.build(), ctx.signal);
  };
  ctx.setState("running");
  const timer = setInterval(() => publish(Date.now()).catch(() => {}), cfg.interval_ms);
  try {
    for (let batch = await input.next(); batch; batch = await input.next()) {
      ctx.counters.samples_in += batch.count;
      inputs.learn(ctx.tags);
      take(batch);
      input.ack();
    }
  } finally {
    clearInterval(timer);
  }

  function take(batch: SampleBatch): void {
    if (!inputs.feeds(batch.source)) return;
    const c = columns(batch);
    for (let r = 0; r < batch.count; r++) {
      const i = inputs.inputOf(batch.source, c.tag[r]);
      if (i === undefined || c.quality[r] === Quality.bad || Number.isNaN(c.value[r])) continue;
      const ts = c.ts[r], v = c.value[r];
      switch (role[i]) {
        case 0: {
          const s = state(v);
          if (s) oee.state(ts, s);
          break;
        }
        case 1:
          oee.total(ts, v);
          break;
        case 2:
          oee.good(ts, v);
          break;
        case 3:
          oee.energy(ts, v);
          break;
      }
    }
  }
}
