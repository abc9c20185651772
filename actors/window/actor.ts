import { BatchBuilder, columns, type SampleBatch } from "../../src/model/batch.ts";
import { Quality, type QualityCode } from "../../src/model/sample.ts";
import { type ActorContext, derivedTag, TagInputs } from "../../src/runtime/kit.ts";
import { type Aggregate, sizeLabel, type WindowTransformConfig } from "./config.ts";
import { type WindowResult, Windows } from "./windows.ts";

/** How often windows are closed by the clock when no newer sample closes them. */
const TICK_MS = 1000;

/**
 * Windows over the tags it is given: for each tag and aggregate a tag `<tag>/<aggregate>_<size>`
 * (e.g. `temperature/mean_10s`), one value per window stamped with the window's start, bad with
 * the reason when the window had fewer than `min_good` good samples.
 */
export default async function windowTransform(ctx: ActorContext<WindowTransformConfig>) {
  const cfg = ctx.config;
  const output = ctx.output!;
  const input = ctx.input!;
  const label = sizeLabel(cfg.size_ms);
  /** Output tag index per input and aggregate. */
  const outTags: number[][] = [];
  const inputs = new TagInputs(cfg.tags, (i, meta) => {
    const metas = cfg.aggregates.map((a) => derivedTag(meta, `${a}_${label}`, "float64"));
    for (const [k, a] of cfg.aggregates.entries()) if (a === "count") delete metas[k].unit;
    const first = output.registerTags(metas);
    outTags[i] = metas.map((_, k) => first + k);
  });
  let pending: WindowResult[] = [];
  const windows = new Windows(
    { sizeMs: cfg.size_ms, hopMs: cfg.hop_ms, graceMs: cfg.grace_ms, minGood: cfg.min_good },
    (r) => pending.push(r),
  );
  const flush = async () => {
    ctx.counters.late = windows.late;
    if (pending.length === 0) return;
    const results = pending;
    pending = [];
    const b = new BatchBuilder(output.source, results.length * cfg.aggregates.length);
    for (const r of results) {
      cfg.aggregates.forEach((a, k) => push(b, outTags[r.tag][k], a, r));
    }
    await output.send(b.build(), ctx.signal);
  };
  ctx.setState("running");
  const clock = setInterval(() => {
    windows.advance(Date.now());
    flush().catch(() => {});
  }, TICK_MS);
  try {
    for (let batch = await input.next(); batch; batch = await input.next()) {
      ctx.counters.samples_in += batch.count;
      inputs.learn(ctx.tags);
      take(batch);
      input.ack();
      await flush();
    }
  } finally {
    clearInterval(clock);
  }
  // At shutdown: what is open stays open (its windows are not over); what closed goes out.
  await flush();

  function take(batch: SampleBatch): void {
    if (!inputs.feeds(batch.source)) return;
    const c = columns(batch);
    for (let r = 0; r < batch.count; r++) {
      const i = inputs.inputOf(batch.source, c.tag[r]);
      if (i !== undefined) windows.push(i, c.ts[r], c.value[r], c.quality[r]);
    }
  }
}

function push(b: BatchBuilder, tag: number, a: Aggregate, r: WindowResult): void {
  const value = r[a];
  if (a === "count") return b.push(tag, r.start, value, Quality.good);
  const q: QualityCode = r.quality === Quality.good && Number.isFinite(value)
    ? Quality.good
    : Quality.bad;
  b.push(
    tag,
    r.start,
    q === Quality.good ? value : NaN,
    q,
    q === Quality.good ? undefined : r.reason ?? "no value",
  );
}
