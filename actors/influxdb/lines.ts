import { escape } from "@influxdata/influxdb-client";
import type { InfluxdbSinkConfig } from "./config.ts";
import type { RowBlock } from "../../src/runtime/kit.ts";
import { BodyBytes } from "./body_bytes.ts";

const enc = new TextEncoder();
const SPACE = 0x20, NEWLINE = 0x0a;

/** A ms timestamp (fractions are µs) in the write precision, as line protocol digits. */
export function stamp(ts: number, precision: InfluxdbSinkConfig["precision"]): string {
  if (precision === "s") return String(Math.floor(Math.round(ts) / 1000));
  if (precision === "ms") return String(Math.round(ts));
  const us = Math.round(ts * 1000);
  return precision === "us" ? String(us) : `${us}000`;
}

const fill = (template: string, device: string, tag: string) =>
  template.replaceAll("{device}", device).replaceAll("{tag}", tag);

/** A path's line protocol parts, escaped once: the series (measurement and tags) and field key. */
interface Names {
  path: string;
  /** `measurement,device=…,uns=… ` (UTF-8) and a number standing for it (equal series, equal number). */
  series: Uint8Array;
  seriesId: number;
  /** `field=` and `,field=` (UTF-8) */
  field: Uint8Array;
  nextField: Uint8Array;
  /** `raw_measurement,device=…,tag=… raw=` when the raw measurement is on. */
  raw?: string;
}

interface NameCache {
  byPath: Map<string, Names>;
  seriesIds: Map<string, number>;
}
const caches = new WeakMap<InfluxdbSinkConfig, NameCache>();
let nextSeriesId = 0; // never reused, even when a cache is cleared

/** Escaped names for a path, worked out once per path and config (bounded). */
function namesOf(path: string, cfg: InfluxdbSinkConfig): Names {
  let cache = caches.get(cfg);
  if (!cache) caches.set(cfg, cache = { byPath: new Map(), seriesIds: new Map() });
  let n = cache.byPath.get(path);
  if (n) return n;
  const parts = path.split("/");
  const tag = parts.at(-1)!, device = parts.at(-2) ?? "", uns = parts.slice(0, -2).join("/");
  // Empty tag values are left out, as line protocol has no empty tag value.
  const tags = (pairs: [string, string][]) =>
    pairs.filter(([, v]) => v !== "").map(([k, v]) => `,${k}=${escape.tag(v)}`).join("");
  const series = escape.measurement(fill(cfg.measurement, device, tag)) +
    tags([["device", device], ["uns", cfg.uns_tags ? uns : ""]]);
  if (cache.byPath.size >= 100_000) { // a path explosion costs speed, not memory
    cache.byPath.clear();
    cache.seriesIds.clear();
  }
  let seriesId = cache.seriesIds.get(series);
  if (seriesId === undefined) cache.seriesIds.set(series, seriesId = nextSeriesId++);
  const field = escape.tag(fill(cfg.field, device, tag));
  n = {
    path,
    series: enc.encode(`${series} `),
    seriesId,
    field: enc.encode(`${field}=`),
    nextField: enc.encode(`,${field}=`),
    raw: cfg.raw_measurement
      ? `${escape.measurement(cfg.raw_measurement)}${tags([["device", device], ["tag", tag]])} raw=`
      : undefined,
  };
  cache.byPath.set(path, n);
  return n;
}

const QUALITY = ["good", "uncertain", "bad"];

/** A value line protocol cannot hold: the write is rejected (400) and the row dead-lettered. */
function unstorable(path: string, value: number): Error {
  return Object.assign(
    new Error(
      `tag ${path}: ${value} cannot be written to InfluxDB (line protocol has no ${value})`,
    ),
    { status: 400 },
  );
}

/**
 * Line protocol for blocks of rows, as one UTF-8 body: a point per measurement, tags and time
 * with a field per tag (good and uncertain values; bad ones have no value to store), tagged with
 * the UNS path above the device. Rows of one point that follow each other (a device's poll, an
 * MQTT message) share a line; InfluxDB merges lines of the same series and time, so a point split
 * over lines is still one point. With `raw_measurement`, every sample also goes there as JSON
 * (seed 000's raw data), bad ones included. Escaping is the client library's. `out` (reset
 * first) lets a writer reuse one buffer; the result is a view of it.
 */
export function toLineProtocol(
  blocks: RowBlock[],
  cfg: InfluxdbSinkConfig,
  out = new BodyBytes(),
): Uint8Array<ArrayBuffer> {
  let rows = 0;
  for (const b of blocks) rows += b.count;
  out.reset();
  const raw = cfg.raw_measurement ? new BodyBytes(rows * 160) : undefined;
  let series = -1, ts = NaN; // the open line
  for (const b of blocks) {
    const names = b.paths.map((p) => namesOf(p, cfg));
    for (let i = 0; i < b.count; i++) {
      const n = names[b.path[i]], t = b.ts[i], quality = b.quality[i], v = b.value[i];
      const text = b.text?.get(i);
      if (raw && n.raw) {
        const sample = {
          path: n.path,
          ts: t,
          value: text ?? (Number.isNaN(v) ? null : v),
          quality: QUALITY[quality],
          reason: b.reasons?.get(i) ?? null,
        };
        raw.text(`${n.raw}${escape.quoted(JSON.stringify(sample))} ${stamp(t, cfg.precision)}\n`);
      }
      if (quality === 2 || (text === undefined && Number.isNaN(v))) continue;
      if (text === undefined && !Number.isFinite(v)) throw unstorable(n.path, v);
      if (n.seriesId === series && t === ts) out.bytes(n.nextField);
      else {
        if (series >= 0) endLine(out, ts, cfg);
        out.bytes(n.series);
        out.bytes(n.field);
        series = n.seriesId;
        ts = t;
      }
      if (text === undefined) out.ascii(String(v));
      else out.text(escape.quoted(text));
    }
  }
  if (series >= 0) endLine(out, ts, cfg);
  if (!raw) return out.view();
  raw.bytes(out.view());
  return raw.view();
}

/** ` <timestamp>\n` */
function endLine(out: BodyBytes, ts: number, cfg: InfluxdbSinkConfig): void {
  out.byte(SPACE);
  out.ascii(stamp(ts, cfg.precision));
  out.byte(NEWLINE);
}
