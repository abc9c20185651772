import { Point } from "@influxdata/influxdb-client";
import type { InfluxdbSinkConfig } from "../src/config/influxdb.ts";
import type { Row } from "./sink_block.ts";

/** A ms timestamp (fractions are µs) in the write precision, as line protocol digits. */
export function stamp(ts: number, precision: InfluxdbSinkConfig["precision"]): string {
  if (precision === "s") return String(Math.floor(Math.round(ts) / 1000));
  if (precision === "ms") return String(Math.round(ts));
  const us = Math.round(ts * 1000);
  return precision === "us" ? String(us) : `${us}000`;
}

const fill = (template: string, device: string, tag: string) =>
  template.replaceAll("{device}", device).replaceAll("{tag}", tag);

interface Names {
  tag: string;
  device: string;
  uns: string;
  measurement: string;
  field: string;
}

const namesCache = new WeakMap<InfluxdbSinkConfig, Map<string, Names>>();

/** A path's parts and its measurement and field names, worked out once per path and config. */
function namesFor(cfg: InfluxdbSinkConfig): (path: string) => Names {
  let cache = namesCache.get(cfg);
  if (!cache) namesCache.set(cfg, cache = new Map());
  const known = cache;
  return (path) => {
    let n = known.get(path);
    if (n) return n;
    const parts = path.split("/");
    const tag = parts.at(-1)!, device = parts.at(-2) ?? "";
    n = {
      tag,
      device,
      uns: parts.slice(0, -2).join("/"),
      measurement: fill(cfg.measurement, device, tag),
      field: fill(cfg.field, device, tag),
    };
    if (known.size >= 100_000) known.clear(); // bounded: a path explosion costs speed, not memory
    known.set(path, n);
    return n;
  };
}

/**
 * Line protocol for rows: one point per measurement and time, a field per tag (good and
 * uncertain values; bad ones have no value to store), tagged with the UNS path above the device
 * and, for the raw measurement, the sample as JSON. Escaping is the client library's.
 */
export function toLines(rows: Row[], cfg: InfluxdbSinkConfig): string[] {
  const points = new Map<string, Point>();
  const lines: string[] = [];
  const names = namesFor(cfg);
  for (const [path, ts, value, text, quality, reason] of rows) {
    const { tag, device, uns, measurement, field } = names(path);
    if (cfg.raw_measurement) {
      const raw = new Point(cfg.raw_measurement).tag("device", device).tag("tag", tag)
        .stringField(
          "raw",
          JSON.stringify({
            path,
            ts,
            value: value ?? text,
            quality: ["good", "uncertain", "bad"][quality],
            reason,
          }),
        )
        .timestamp(stamp(ts, cfg.precision));
      lines.push(raw.toLineProtocol()!);
    }
    if (quality === 2 || (value === null && text === null)) continue;
    const key = `${measurement}\u0000${device}\u0000${uns}\u0000${ts}`;
    let point = points.get(key);
    if (!point) {
      point = new Point(measurement).tag("device", device).timestamp(stamp(ts, cfg.precision));
      if (cfg.uns_tags && uns) point.tag("uns", uns);
      points.set(key, point);
    }
    if (text !== null) point.stringField(field, text);
    else point.floatField(field, value!);
  }
  for (const p of points.values()) lines.push(p.toLineProtocol()!);
  return lines;
}
