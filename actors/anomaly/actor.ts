import { BatchBuilder, columns, type SampleBatch } from "../../src/model/batch.ts";
import { Quality } from "../../src/model/sample.ts";
import { type ActorContext, derivedTag, TagInputs } from "../../src/runtime/kit.ts";
import type { AnomalyTransformConfig } from "./config.ts";
import { EwmaDetector, MadDetector } from "./detectors.ts";

interface Watched {
  detector: { score(x: number): number };
  scoreTag: number;
  flagTag: number;
  flagged?: boolean;
}

/**
 * Anomaly detection per tag: `<tag>/anomaly_score` for each good value (0 while warming up), and
 * `<tag>/anomaly`, a truth value sent when it changes: on while the score is above `threshold`.
 * Values that are not good are not learnt.
 */
export default async function anomalyTransform(ctx: ActorContext<AnomalyTransformConfig>) {
  const cfg = ctx.config;
  const output = ctx.output!;
  const input = ctx.input!;
  const watched: Watched[] = [];
  const inputs = new TagInputs(cfg.tags, (i, meta) => {
    const score = derivedTag(meta, "anomaly_score", "float64");
    delete score.unit;
    const first = output.registerTags([score, derivedTag(meta, "anomaly", "bool")]);
    watched[i] = {
      detector: cfg.method === "mad"
        ? new MadDetector(cfg.window, cfg.warmup)
        : new EwmaDetector(cfg.alpha, cfg.warmup),
      scoreTag: first,
      flagTag: first + 1,
    };
  });
  ctx.setState("running");
  for (let batch = await input.next(); batch; batch = await input.next()) {
    ctx.counters.samples_in += batch.count;
    inputs.learn(ctx.tags);
    const out = score(batch);
    input.ack();
    if (out) await output.send(out, ctx.signal);
  }

  function score(batch: SampleBatch): SampleBatch | undefined {
    if (!inputs.feeds(batch.source)) return undefined;
    const c = columns(batch);
    const b = new BatchBuilder(output.source, batch.count * 2);
    for (let r = 0; r < batch.count; r++) {
      const i = inputs.inputOf(batch.source, c.tag[r]);
      if (i === undefined || c.quality[r] !== Quality.good || !Number.isFinite(c.value[r])) {
        continue;
      }
      const w = watched[i];
      const z = w.detector.score(c.value[r]);
      b.push(w.scoreTag, c.ts[r], Number.isFinite(z) ? z : 1e9, Quality.good);
      const flag = z > cfg.threshold;
      if (flag !== w.flagged) {
        w.flagged = flag;
        b.push(
          w.flagTag,
          c.ts[r],
          flag ? 1 : 0,
          Quality.good,
          flag ? `score ${z.toFixed(1)} above ${cfg.threshold}` : undefined,
        );
        if (flag) ctx.counters.anomalies = (ctx.counters.anomalies ?? 0) + 1;
      }
    }
    return b.count > 0 ? b.build() : undefined;
  }
}
