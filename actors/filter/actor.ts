import { BatchBuilder, columns, type SampleBatch } from "../../src/model/batch.ts";
import { Quality, type QualityCode } from "../../src/model/sample.ts";
import { type ActorContext, derivedTag, TagInputs } from "../../src/runtime/kit.ts";
import type { FilterTransformConfig } from "./config.ts";
import { ExceptionFilter, outOfRange, tooFast } from "./exception.ts";
import { SwingingDoor } from "./swinging_door.ts";

/**
 * Filters each tag it is given, in order: the range gate (outside: bad), the rate-of-change
 * limit (too fast: uncertain), then report by exception (deadband, heartbeat) or swinging-door
 * compression (only good values go through the door; any other goes on at once, after the point
 * the door held). The share of values held back is the gauge `reduction_pct`.
 */
export default async function filterTransform(ctx: ActorContext<FilterTransformConfig>) {
  const cfg = ctx.config;
  const output = ctx.output!;
  const input = ctx.input!;
  const outTag: number[] = [];
  const doors: SwingingDoor[] = [];
  const prev: { ts: number; value: number }[] = [];
  let builder: BatchBuilder | undefined;
  let taken = 0, sent = 0;
  const inputs = new TagInputs(cfg.tags, (i, meta) => {
    const out = cfg.suffix === ""
      ? { ...meta, writable: false }
      : derivedTag(meta, cfg.suffix, meta.type);
    outTag[i] = output.registerTags([out]);
    if (cfg.swinging_door) {
      const d = cfg.swinging_door;
      doors[i] = new SwingingDoor(
        d.deviation,
        d.max_interval_ms,
        (ts, v) => emit(i, ts, v, Quality.good),
      );
    }
  });
  const exception = cfg.swinging_door
    ? undefined
    : new ExceptionFilter({ ...cfg.deadband, heartbeatMs: cfg.heartbeat_ms });
  const emit = (
    i: number,
    ts: number,
    v: number,
    q: QualityCode,
    reason?: string,
    text?: string,
  ) => {
    builder ??= new BatchBuilder(output.source, 256);
    if (builder.full) pending.push(builder.build());
    if (text !== undefined) builder.pushText(outTag[i], ts, text, q, reason);
    else builder.push(outTag[i], ts, v, q, reason);
    sent++;
  };
  const pending: SampleBatch[] = [];
  ctx.setState("running");
  for (let batch = await input.next(); batch; batch = await input.next()) {
    ctx.counters.samples_in += batch.count;
    inputs.learn(ctx.tags);
    filter(batch);
    input.ack();
    if (builder && builder.count > 0) pending.push(builder.build());
    for (const b of pending.splice(0)) await output.send(b, ctx.signal);
    ctx.counters.reduction_pct = taken > 0 ? Math.round((1 - sent / taken) * 1000) / 10 : 0;
  }
  for (const door of doors) door?.flush();
  if (builder && builder.count > 0) await output.send(builder.build(), ctx.signal);

  function filter(batch: SampleBatch): void {
    if (!inputs.feeds(batch.source)) return;
    const c = columns(batch);
    const text = batch.text && new Map(batch.text);
    const reasons = batch.reasons && new Map(batch.reasons);
    for (let r = 0; r < batch.count; r++) {
      const i = inputs.inputOf(batch.source, c.tag[r]);
      if (i === undefined) continue;
      taken++;
      const ts = c.ts[r], t = text?.get(r);
      let value = c.value[r], q = c.quality[r] as QualityCode, reason = reasons?.get(r);
      if (q !== Quality.bad && t === undefined) {
        const out = cfg.range && outOfRange(value, cfg.range.min, cfg.range.max);
        if (out) [value, q, reason] = [NaN, Quality.bad, out];
        else if (cfg.max_rate_per_s !== undefined && prev[i]) {
          const fast = tooFast(prev[i].ts, prev[i].value, ts, value, cfg.max_rate_per_s);
          if (fast) [q, reason] = [Quality.uncertain, fast];
        }
        if (!Number.isNaN(c.value[r])) prev[i] = { ts, value: c.value[r] };
      }
      const door = doors[i];
      if (door) {
        if (q === Quality.good && t === undefined) door.push(ts, value);
        else {
          door.flush();
          door.reset();
          emit(i, ts, value, q, reason, t);
        }
      } else if (exception!.pass(i, ts, value, q, t)) emit(i, ts, value, q, reason, t);
    }
  }
}
