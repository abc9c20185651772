import { columns, rows, type SampleBatch } from "../../src/model/batch.ts";
import { qualityName } from "../../src/model/sample.ts";
import type { TagMeta } from "../../src/model/tag.ts";
import type { TagCatalog } from "../../src/runtime/kit.ts";

/** One MQTT message to publish. */
export interface Message {
  topic: string;
  payload: string;
}

/** How messages are shaped; from the sink config. */
export interface PayloadOptions {
  format: "tag" | "group";
  topic_prefix: string;
  group_topic: string;
  gateway: string;
}

/**
 * The JSON payload of one sample on its UNS topic: `{value, ts, quality}` (+ unit, reason), as
 * JSON.stringify writes that object, joined from its parts without making the object first (a
 * fleet publishes thousands a second).
 */
export function samplePayload(
  value: number | string | boolean | null,
  ts: number,
  quality: string,
  unit?: string,
  reason?: string,
): string {
  return `{"value":${JSON.stringify(value)},"ts":${JSON.stringify(ts)},"quality":${
    JSON.stringify(quality)
  }${unit ? `,"unit":${JSON.stringify(unit)}` : ""}${
    reason ? `,"reason":${JSON.stringify(reason)}` : ""
  }}`;
}

function tagOf(tags: TagCatalog, source: number, index: number): TagMeta {
  const tag = tags.get(source, index);
  if (!tag) {
    throw new Error(`Cannot publish: tag ${index} of source ${source} was never registered`);
  }
  return tag;
}

const typed = (tag: TagMeta, v: number | string | boolean | null) =>
  tag.type === "bool" && typeof v === "number" ? v !== 0 : v;

/** The topic of a group message, from the template. */
export function groupTopic(template: string, gateway: string, tag: TagMeta, group: string): string {
  const devicePath = tag.path.slice(0, tag.path.length - tag.name.length - 1);
  return template.replaceAll("{gateway}", gateway).replaceAll("{device}", tag.device)
    .replaceAll("{group}", group).replaceAll("{device_path}", devicePath);
}

/** Each message of a batch, as `messages` makes them, handed to `send` in order. */
export function eachMessage(
  batch: SampleBatch,
  tags: TagCatalog,
  opts: PayloadOptions,
  send: (topic: string, payload: string) => void,
): void {
  if (opts.format === "group") {
    for (const m of messages(batch, tags, opts)) send(m.topic, m.payload);
    return;
  }
  const c = columns(batch);
  const text = batch.text && new Map(batch.text);
  const reasons = batch.reasons && new Map(batch.reasons);
  for (let i = 0; i < batch.count; i++) {
    const tag = tagOf(tags, batch.source, c.tag[i]);
    const v = c.value[i];
    const value = text?.get(i) ?? (Number.isNaN(v) ? null : v);
    send(
      opts.topic_prefix + tag.path,
      samplePayload(
        typed(tag, value),
        c.ts[i],
        qualityName(c.quality[i]),
        tag.unit,
        reasons?.get(i),
      ),
    );
  }
}

/**
 * The messages for a batch. Per tag: one per sample on prefix + UNS path. Per group: one JSON
 * per device, group and timestamp — `{"timestamp", "node", "group", "values": {tag: value},
 * "errors": {tag: reason}}` as Neuron publishes; uncertain values are in `values` and their
 * reasons in `uncertain`.
 */
export function messages(batch: SampleBatch, tags: TagCatalog, opts: PayloadOptions): Message[] {
  if (opts.format === "tag") {
    const out: Message[] = [];
    eachMessage(batch, tags, opts, (topic, payload) => out.push({ topic, payload }));
    return out;
  }
  const polls = new Map<
    string,
    { topic: string; body: Record<string, unknown> & { values: Record<string, unknown> } }
  >();
  for (const s of rows(batch)) {
    const tag = tagOf(tags, batch.source, s.tag);
    const group = tag.group ?? "default";
    const key = `${tag.device}\u0000${group}\u0000${s.ts}`;
    let poll = polls.get(key);
    if (!poll) {
      const topic = opts.topic_prefix + groupTopic(opts.group_topic, opts.gateway, tag, group);
      poll = { topic, body: { timestamp: s.ts, node: tag.device, group, values: {} } };
      polls.set(key, poll);
    }
    const section = (name: "errors" | "uncertain") =>
      (poll.body[name] ??= {}) as Record<string, unknown>;
    if (s.quality === "bad") section("errors")[tag.name] = s.reason ?? "bad";
    else {
      poll.body.values[tag.name] = typed(tag, s.value);
      if (s.quality === "uncertain") section("uncertain")[tag.name] = s.reason ?? "uncertain";
    }
  }
  return [...polls.values()].map((p) => ({ topic: p.topic, payload: JSON.stringify(p.body) }));
}
