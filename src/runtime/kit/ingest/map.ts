import type { MessageMapping } from "../../../model/ingest.ts";

/**
 * The values one message maps to, before they get tag indexes: one device and time, and per tag
 * its value (booleans as 1/0, their positions in `bools`). One object per message, not per value.
 */
export interface Mapped {
  device: string;
  ts: number;
  tags: string[];
  values: (number | string)[];
  bools?: number[];
}

const at = (obj: unknown, path: string): unknown =>
  path === "" ? obj : path.split(".").reduce<unknown>(
    (
      o,
      k,
    ) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
    obj,
  );

const NAME = /^[A-Za-z0-9_.-]+$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Tag names already checked: a stream repeats the same few hundred names. */
const goodNames = new Set<string>();
const usable = (name: string): boolean => {
  if (goodNames.has(name)) return true;
  if (!NAME.test(name)) return false;
  if (goodNames.size < 100_000) goodNames.add(name);
  return true;
};

/**
 * Maps one message to values by the source's mapping; throws an Error whose message says
 * what is wrong (not JSON, a missing or mistyped field), for the dead-letter file.
 */
export function mapMessage(
  topic: string,
  payload: Uint8Array,
  cfg: { mapping: MessageMapping },
  source: string,
  now: number,
): Mapped {
  const m = cfg.mapping;
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(payload));
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  const levels = topic.split("/");
  const fromLevel = (l: { topic_level: number }, what: string) => {
    const v = levels[l.topic_level];
    if (!v || !NAME.test(v)) {
      throw new Error(`topic ${topic} has no usable ${what} at level ${l.topic_level}`);
    }
    return v;
  };
  let device = typeof m.device === "string"
    ? m.device
    : m.device
    ? fromLevel(m.device, "device")
    : source;
  if (m.device_path) {
    const d = at(body, m.device_path);
    if (typeof d !== "string" || !NAME.test(d)) {
      throw new Error(`field ${m.device_path}: expected a device name, got ${JSON.stringify(d)}`);
    }
    device = d;
  }
  let ts = now;
  if (m.timestamp_path) {
    const t = at(body, m.timestamp_path);
    ts = m.timestamp_format === "iso"
      ? Date.parse(String(t))
      : typeof t === "number"
      ? (m.timestamp_format === "s" ? t * 1000 : t)
      : NaN;
    if (!Number.isFinite(ts)) {
      throw new Error(
        `field ${m.timestamp_path}: expected a ${m.timestamp_format} timestamp, got ${
          JSON.stringify(t)
        }`,
      );
    }
  }
  const out: Mapped = { device, ts, tags: [], values: [] };
  if (m.tag) {
    take(out, fromLevel(m.tag, "tag"), at(body, m.value_path));
  } else {
    const values = at(body, m.values_path);
    if (values === null || typeof values !== "object" || Array.isArray(values)) {
      throw new Error(
        `${
          m.values_path === "" ? "payload" : `field ${m.values_path}`
        }: expected an object of tag → value`,
      );
    }
    // Fields that name the time or the device are not values.
    const top = m.values_path === "";
    for (const tag in values) {
      if (top && (tag === m.timestamp_path || tag === m.device_path)) continue;
      take(out, tag, (values as Record<string, unknown>)[tag]);
    }
  }
  if (out.tags.length === 0) throw new Error("no values in the message");
  return out;
}

/** Adds one field's value to a message's values, or throws saying why it cannot be one. */
function take(out: Mapped, tag: string, v: unknown): void {
  if (!usable(tag)) {
    throw new Error(`tag name ${JSON.stringify(tag)}: use letters, digits, _ . or -`);
  }
  if (typeof v === "number" && Number.isFinite(v)) out.values.push(v);
  else if (typeof v === "string") out.values.push(v);
  else if (typeof v === "boolean") {
    (out.bools ??= []).push(out.values.length);
    out.values.push(v ? 1 : 0);
  } else {
    throw new Error(
      `field ${tag}: expected a number, string or boolean, got ${JSON.stringify(v)?.slice(0, 40)}`,
    );
  }
  out.tags.push(tag);
}
