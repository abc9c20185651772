import { Quality } from "../../src/model/sample.ts";
import { DataType, setValue } from "./datatypes.ts";
import type { Latest, MetricDef } from "./node_metrics.ts";
import { NODE_ALIASES } from "./node_metrics.ts";
import type { Metric, Payload, PropertySet, PropertyValue } from "./proto.ts";

/** The Quality property's codes (OPC DA's, as SCADA hosts such as Ignition read them). */
export const QUALITY_CODE: Record<number, number> = {
  [Quality.good]: 192,
  [Quality.uncertain]: 64,
  [Quality.bad]: 0,
};

/** One value as a metric carries it: a number (NaN or null: none) or a text. */
export interface MetricSample {
  ts: number;
  value: number | string | null;
  quality: number;
  reason?: string | null;
}

function propertySet(entries: [string, PropertyValue][]): PropertySet {
  return { keys: entries.map(([k]) => k), values: entries.map(([, v]) => v) };
}

const int32 = (n: number): PropertyValue => ({ type: DataType.Int32, int_value: n >>> 0 });
const text = (s: string): PropertyValue => ({ type: DataType.String, string_value: s });

/**
 * Sets a metric's value from a sample, or is_null when it has none (a bad value). A value its
 * type cannot carry (an infinite integer, say) is sent as none, bad, with the reason: one such row
 * must not stop the rows after it. Returns the sample as sent.
 */
function putValue(m: Metric, def: MetricDef, s: MetricSample): MetricSample {
  const none = s.value === null || (typeof s.value === "number" && Number.isNaN(s.value));
  if (none) {
    m.is_null = true;
    return s;
  }
  try {
    setValue(m, def.datatype, s.value!);
    return s;
  } catch (err) {
    m.is_null = true;
    return { ...s, value: null, quality: Quality.bad, reason: (err as Error).message };
  }
}

/** The quality properties of a sample that is not good (the quality and why). */
function qualityEntries(s: MetricSample, always: boolean): [string, PropertyValue][] {
  if (s.quality === Quality.good && !always) return [];
  const entries: [string, PropertyValue][] = [["Quality", int32(QUALITY_CODE[s.quality] ?? 0)]];
  if (s.reason) entries.push(["Reason", text(s.reason)]);
  return entries;
}

/** The NBIRTH: the node's bdSeq and its rebirth control, both aliased. seq is the session's. */
export function nbirth(bdSeq: number, now: number): Payload {
  const bd: Metric = {
    name: "bdSeq",
    alias: NODE_ALIASES.bdSeq,
    timestamp: now,
    datatype: DataType.Int64,
  };
  setValue(bd, DataType.Int64, bdSeq);
  return {
    timestamp: now,
    metrics: [
      bd,
      {
        name: "Node Control/Rebirth",
        alias: NODE_ALIASES.rebirth,
        timestamp: now,
        datatype: DataType.Boolean,
        boolean_value: false,
      },
    ],
  };
}

/** The NDEATH (the will, or sent before leaving): the bdSeq of the session it ends. No seq. */
export function ndeath(bdSeq: number, now: number): Payload {
  const bd: Metric = { name: "bdSeq", timestamp: now, datatype: DataType.Int64 };
  setValue(bd, DataType.Int64, bdSeq);
  return { timestamp: now, metrics: [bd] };
}

/**
 * A DBIRTH: every metric of the device with its name, alias, data type, unit (`engUnit`), quality
 * and latest value (null when none was taken yet). Returns the time of each metric's value, so
 * older samples sent after it are marked historical.
 */
export function dbirth(
  defs: readonly MetricDef[],
  latest: (alias: number) => Latest | undefined,
  now: number,
): { payload: Payload; births: Map<number, number> } {
  const births = new Map<number, number>();
  const metrics = defs.map((def) => {
    const l = latest(def.alias);
    const s: MetricSample = l ??
      { ts: now, value: null, quality: Quality.bad, reason: "no value yet" };
    const m: Metric = { name: def.name, alias: def.alias, timestamp: s.ts, datatype: def.datatype };
    const sent = putValue(m, def, s);
    const entries = qualityEntries(sent, true);
    if (def.unit) entries.unshift(["engUnit", text(def.unit)]);
    m.properties = propertySet(entries);
    births.set(def.alias, l ? l.ts : -Infinity);
    return m;
  });
  return { payload: { timestamp: now, metrics }, births };
}

/**
 * A DDATA metric: by alias only, the value, historical when older than the device's birth. A good
 * value makes the metric and nothing else (the drain makes one per row).
 */
export function dataMetric(def: MetricDef, s: MetricSample, historical: boolean): Metric {
  const m: Metric = { alias: def.alias, timestamp: s.ts };
  const sent = putValue(m, def, s);
  if (m.is_null) m.datatype = def.datatype;
  if (historical) m.is_historical = true;
  if (sent.quality !== Quality.good) m.properties = propertySet(qualityEntries(sent, false));
  return m;
}
