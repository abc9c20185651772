// Samples a second through each transform kind, in one thread as a transform's worker runs it:
// batches of 1,000 samples (50 polls of 20 tags) cross a real channel (MessageChannel) into the
// transform's actor, whose results cross another to a counting reader. Targets (issue #20):
// ≥ 1,000,000 samples/s per core for filters and expressions, ≥ 500,000 for windows.
//   deno run -A bench/transform_rate.ts [--batches 2000]
import { parseArgs } from "node:util";
import { BatchBuilder } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import type { TagMeta } from "../src/model/tag.ts";
import { type ActorContext, TagCatalog, zeroCounters } from "../src/runtime/kit.ts";
import { Output } from "../src/runtime/actor.ts";
import { batchReceiver, batchSender } from "../src/runtime/frames.ts";
import { Fanout } from "../src/runtime/fanout.ts";
import { LatestWriter } from "../src/runtime/latest.ts";
import { ActorHealth } from "../src/runtime/health/actor_health.ts";
import { Verdict } from "../src/runtime/health/verdict.ts";
import { logger } from "../src/runtime/log.ts";
import { drivers } from "../actors/registry.ts";

const TAGS = 20, BATCH = 1000;

const KINDS: { name: string; kind: string; target: number; config: Record<string, unknown> }[] = [
  {
    name: "filter: deadband + heartbeat",
    kind: "filter",
    target: 1e6,
    config: { tags: ["d/*"], deadband: { absolute: 0.5 }, heartbeat_ms: 60_000 },
  },
  {
    name: "filter: swinging door",
    kind: "filter",
    target: 1e6,
    config: { tags: ["d/*"], swinging_door: { deviation: 0.5 } },
  },
  {
    name: "filter: range gate + rate limit",
    kind: "filter",
    target: 1e6,
    config: { tags: ["d/*"], range: { min: -1e3, max: 1e3 }, max_rate_per_s: 1e3 },
  },
  {
    name: "expression: (raw/100)*16 on every 2nd tag",
    kind: "expression",
    target: 1e6,
    config: {
      inputs: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, `d/t${2 * i}`])),
      outputs: Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`o${i}`, { expr: `(t${i}/100)*16` }]),
      ),
    },
  },
  {
    name: "window: 10 s mean, min, max",
    kind: "window",
    target: 5e5,
    config: { tags: ["d/*"], size_ms: 10_000, aggregates: ["mean", "min", "max"] },
  },
  {
    name: "alarm: h/l limits with deadband",
    kind: "alarm",
    target: 0,
    config: {
      alarms: Object.fromEntries(
        Array.from(
          { length: TAGS },
          (_, i) => [`a${i}`, { tag: `d/t${i}`, h: 80, l: 20, deadband: 2 }],
        ),
      ),
    },
  },
  { name: "anomaly: EWMA", kind: "anomaly", target: 0, config: { tags: ["d/*"], method: "ewma" } },
];

async function rate(
  kind: string,
  raw: Record<string, unknown>,
  batches: number,
): Promise<{ inRate: number; out: number }> {
  const driver = drivers.find((d) => d.kind === kind && d.role === "transform")!;
  const config = (await driver.config()).parse({ kind, from: ["d"], ...raw });
  const main = (await driver.load()).default as (ctx: ActorContext) => Promise<void>;
  const into = new MessageChannel(), out = new MessageChannel();
  const tags = new TagCatalog();
  const sender = batchSender(into.port1, 16);
  const input = batchReceiver(into.port2, (f) => tags.add(f));
  const counters = zeroCounters();
  const outReceiver = batchReceiver(out.port2, () => {});
  // The transform's output as in a gateway worker: its fanout keeps the latest values and sends
  // on the port to the next worker.
  const latest = new LatestWriter(() => {});
  const fanout = new Fanout({
    onTags: () => {},
    onBatch: (b) => latest.update(b),
    onReceipt: () => {},
  });
  const queue = { maxSamples: 64_000, whenFull: "block" as const };
  fanout.route(1, [{ id: "next", queue }]);
  fanout.attach("next", out.port1, 64, queue);
  const output = new Output(fanout, 1, counters);
  const stop = new AbortController();
  const verdict = new Verdict(() => {});
  const ctx: ActorContext = {
    id: kind,
    kind,
    config,
    gateway: "bench",
    uns: {},
    signal: stop.signal,
    counters,
    log: logger({ actor: kind }),
    output,
    input,
    tags,
    setState: () => {},
    health: new ActorHealth(
      "transform",
      { degradedAfter: 3, lagAlarmMs: 60_000 },
      counters,
      verdict,
    ),
    onCommand: () => {},
    submit: () => Promise.reject(new Error("no commands here")),
  };
  const drained = (async () => {
    for (let b = await outReceiver.next(); b; b = await outReceiver.next()) outReceiver.ack();
  })();
  const metas: TagMeta[] = Array.from(
    { length: TAGS },
    (_, i) => ({ name: `t${i}`, device: "d", path: `p/d/t${i}`, type: "float64", writable: false }),
  );
  sender.control({ type: "tags", source: 7, first: 0, tags: metas });
  const running = main(ctx);
  const walk = new Float64Array(TAGS).fill(50);
  let ts = Date.UTC(2026, 11, 3);
  const started = performance.now();
  for (let k = 0; k < batches; k++) {
    const b = new BatchBuilder(7, BATCH);
    for (let p = 0; p < BATCH / TAGS; p++, ts += 1000) {
      for (let t = 0; t < TAGS; t++) {
        walk[t] += Math.sin(k * 7 + p * 3 + t) * 0.8;
        b.push(t, ts, walk[t], Quality.good);
      }
    }
    await sender.send(b.build());
  }
  sender.end();
  await running;
  const seconds = (performance.now() - started) / 1000;
  out.port1.close();
  outReceiver.close();
  await Promise.race([drained, new Promise((r) => setTimeout(r, 100))]);
  into.port1.close();
  into.port2.close();
  return { inRate: (batches * BATCH) / seconds, out: counters.samples_out };
}

const { values: args } = parseArgs({
  args: Deno.args,
  options: { batches: { type: "string", default: "2000" } },
});
const batches = Number(args.batches);
console.log(
  `Transforms at batch ${BATCH} (${TAGS} tags, ${
    batches * BATCH
  } samples each), one thread, Deno ${Deno.version.deno}, ${new Date().toISOString()}.\n`,
);
console.log("| transform | samples/s in | results out | target |");
console.log("|---|---:|---:|---|");
for (const k of KINDS) {
  const { inRate: r, out } = await rate(k.kind, k.config, batches);
  const target = k.target
    ? `≥ ${k.target.toLocaleString("en")}: ${r >= k.target ? "met" : "not met"}`
    : "–";
  console.log(
    `| ${k.name} | ${Math.round(r).toLocaleString("en")} | ${
      out.toLocaleString("en")
    } | ${target} |`,
  );
}
Deno.exit(0);
