import { BatchBuilder, columns, type SampleBatch } from "../../src/model/batch.ts";
import { Quality, type QualityCode } from "../../src/model/sample.ts";
import { type TagMeta, unsPath } from "../../src/model/tag.ts";
import type { ActorContext } from "../../src/runtime/kit.ts";
import type { ExpressionTransformConfig } from "./config.ts";
import { compile, type Program, type ValueType } from "./expression.ts";

interface Input {
  name: string;
  ref: string;
  value: number;
  quality: number;
  reason?: string;
  ts: number;
  seen: boolean;
  /** The outputs that read it, by index. */
  readers: number[];
}

interface Out {
  name: string;
  program: Program;
  /** Indexes of its inputs, in the program's read order. */
  inputs: number[];
  meta?: TagMeta;
  index?: number;
}

/**
 * Derived tags: each output an expression over named input tags of the transform's devices,
 * evaluated whenever one of its inputs changes, with the other inputs' latest values, stamped
 * with that input's time. A bad input makes the result bad with the reason; an output waits until
 * each of its inputs had a value; a result that is no finite number is bad.
 */
export default async function expression(ctx: ActorContext<ExpressionTransformConfig>) {
  const cfg = ctx.config;
  const types: Record<string, ValueType> = {};
  const inputs: Input[] = Object.entries(cfg.inputs).map(([name, i]) => {
    types[name] = typeof i === "string" ? "number" : i.type;
    return {
      name,
      ref: typeof i === "string" ? i : i.tag,
      value: NaN,
      quality: Quality.bad,
      ts: 0,
      seen: false,
      readers: [],
    };
  });
  const outs: Out[] = Object.entries(cfg.outputs).map(([name, o], k) => {
    const c = compile(o.expr, types);
    if (!c.ok) throw new Error(`Cannot start ${ctx.id}: output ${name}: ${c.error}`);
    const reads = new Set(referenced(o.expr, Object.keys(types)));
    const idx = inputs.map((_, i) => i).filter((i) => reads.has(inputs[i].name));
    for (const i of idx) inputs[i].readers.push(k);
    return { name, program: c.program, inputs: idx };
  });
  const output = ctx.output!;
  const input = ctx.input!;
  /** Where each (source, tag index) goes: the input it is, once the tag frames named it. */
  const bySourceTag = new Map<number, Map<number, number>>();
  let seenVersion = -1;
  const learn = () => {
    if (ctx.tags.version === seenVersion) return;
    seenVersion = ctx.tags.version;
    for (const frame of ctx.tags.frames()) {
      frame.tags.forEach((meta, k) => {
        if (!meta) return;
        const i = inputs.findIndex((x) => x.ref === `${meta.device}/${meta.name}`);
        if (i < 0) return;
        let m = bySourceTag.get(frame.source);
        if (!m) bySourceTag.set(frame.source, m = new Map());
        m.set(frame.first + k, i);
        registerOutputs(i, meta);
      });
    }
  };
  /** Names the outputs' tags once their first input's tag is known (their UNS place). */
  const registerOutputs = (i: number, meta: TagMeta) => {
    const fresh: Out[] = [];
    for (const k of inputs[i].readers) {
      const o = outs[k];
      if (o.meta || o.inputs[0] !== i) continue;
      const oc = cfg.outputs[o.name];
      const device = oc.device ?? meta.device;
      const path = device === meta.device
        ? `${meta.path.slice(0, meta.path.length - meta.name.length)}${o.name}`
        : unsPath(ctx.uns, device, o.name);
      o.meta = {
        name: o.name,
        device,
        path,
        type: o.program.type === "bool" ? "bool" : "float64",
        writable: false,
      };
      if (oc.unit) o.meta.unit = oc.unit;
      fresh.push(o);
    }
    if (fresh.length === 0) return;
    const first = output.registerTags(fresh.map((o) => o.meta!));
    fresh.forEach((o, j) => o.index = first + j);
  };
  ctx.setState("running");
  const values = new Float64Array(inputs.length);
  for (let batch = await input.next(); batch; batch = await input.next()) {
    ctx.counters.samples_in += batch.count;
    learn();
    const out = evaluate(batch);
    input.ack();
    if (out) await output.send(out, ctx.signal);
  }

  function evaluate(batch: SampleBatch): SampleBatch | undefined {
    const map = bySourceTag.get(batch.source);
    if (!map) return undefined;
    const c = columns(batch);
    const reasons = batch.reasons && new Map(batch.reasons);
    // The rows of one instant (a poll) change inputs together: the outputs they touch are
    // computed once that instant's rows are all in, so none sees half a poll.
    const dirty = new Set<number>();
    let at = NaN;
    const results: [number, number, number, QualityCode, string | undefined][] = [];
    const flush = () => {
      for (const k of dirty) {
        const r = result(outs[k]);
        if (r) results.push([outs[k].index!, at, ...r]);
      }
      dirty.clear();
    };
    for (let r = 0; r < batch.count; r++) {
      const i = map.get(c.tag[r]);
      if (i === undefined) continue;
      if (c.ts[r] !== at) {
        flush();
        at = c.ts[r];
      }
      const x = inputs[i];
      x.value = c.value[r];
      x.quality = c.quality[r];
      x.reason = reasons?.get(r);
      x.ts = c.ts[r];
      x.seen = true;
      for (const k of x.readers) dirty.add(k);
    }
    flush();
    if (results.length === 0) return undefined;
    const builder = new BatchBuilder(output.source, results.length);
    for (const [tag, ts, v, q, why] of results) builder.push(tag, ts, v, q, why);
    return builder.build();
  }

  /** An output's value, quality and reason from its inputs as they stand; none while one is unseen. */
  function result(o: Out): [number, QualityCode, string | undefined] | undefined {
    if (o.index === undefined || !o.inputs.every((i) => inputs[i].seen)) return undefined;
    const bad = o.inputs.map((i) => inputs[i]).find((x) =>
      x.quality === Quality.bad || Number.isNaN(x.value)
    );
    if (bad) {
      return [
        NaN,
        Quality.bad,
        `input ${bad.name} (${bad.ref}) is bad${bad.reason ? `: ${bad.reason}` : ""}`,
      ];
    }
    for (const i of o.inputs) values[i] = inputs[i].value;
    const v = o.program.evaluate(values);
    if (!Number.isFinite(v)) return [NaN, Quality.bad, "the result is not a finite number"];
    const uncertain = o.inputs.map((i) => inputs[i]).find((x) => x.quality === Quality.uncertain);
    if (uncertain) {
      return [
        v,
        Quality.uncertain,
        `input ${uncertain.name} is uncertain${uncertain.reason ? `: ${uncertain.reason}` : ""}`,
      ];
    }
    return [v, Quality.good, undefined];
  }
}

/** The input names an expression's text mentions (a superset is harmless). */
function referenced(expr: string, names: string[]): string[] {
  const words = new Set(expr.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  return names.filter((n) => words.has(n));
}
