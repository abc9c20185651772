import { z } from "zod";
import { backoff, id, ms, num, port, uns } from "../model/fields.ts";
import { modbusDevice, modbusSimulator } from "../../actors/modbus/config.ts";
import { mqttSink } from "../../actors/mqtt/config.ts";
import { timescaledbSink } from "../../actors/timescaledb/config.ts";
import { influxdbSink } from "../../actors/influxdb/config.ts";
import { mqttSource } from "../../actors/mqtt_source/config.ts";
import { opcuaDevice, opcuaSimulator } from "../../actors/opcua/config.ts";

/** Device kinds, by `kind`. */
export const device = z.discriminatedUnion("kind", [modbusDevice, mqttSource, opcuaDevice]);
/** Sink kinds, by `kind`. */
export const sink = z.discriminatedUnion("kind", [mqttSink, timescaledbSink, influxdbSink]);
/** Built-in simulators, by `kind`. */
export const simulator = z.discriminatedUnion("kind", [modbusSimulator, opcuaSimulator]);

const route = z.strictObject({
  from: z.union([z.literal("*"), z.array(id).min(1)]).describe('device ids, or "*" for all'),
  to: z.union([z.literal("*"), z.array(id).min(1)]).describe('sink ids, or "*" for all'),
});

/** The whole configuration file: the single source of types, defaults, JSON Schema and docs. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  gateway: z.strictObject({
    name: id.default("tagflow").describe("this gateway's name, in logs and client ids"),
    log_level: z.enum(["debug", "info", "warn", "error"]).default("info"),
    shutdown_timeout_ms: ms(100).default(10_000).describe("on SIGINT/SIGTERM: time to drain sinks"),
    channel_capacity: num(z.number().int().min(1).max(4096)).default(16)
      .describe("batches in flight between one actor and the router"),
    coalesce_ms: num(z.number().min(0).max(100)).default(0).describe(
      "a worker holds a batch up to this long after its previous message so several batches cross to the router in one message; 2–5 saves CPU with thousands of devices, at that much latency",
    ),
    restart: backoff(500, 30_000).describe("delay before restarting a failed actor"),
    placement: z.record(z.string(), num(z.number().int().min(1).max(64))).default({})
      .describe(
        'workers per actor kind, e.g. { "modbus": 2 } packs a fleet of Modbus devices into 2 workers; unlisted kinds get a worker per actor',
      ),
  }).prefault({}),
  api: z.strictObject({
    host: z.string().default("127.0.0.1").describe("0.0.0.0 to serve other hosts"),
    port: num(z.number().int().min(0).max(65535)).default(8080).describe("0 picks a free port"),
  }).prefault({}),
  uns: uns.default({}),
  simulators: z.record(id, simulator).default({}).describe(
    "built-in device simulators, started first",
  ),
  devices: z.record(id, device).default({}),
  sinks: z.record(id, sink).default({}),
  routes: z.array(route).optional().describe(
    "which devices feed which sinks; all to all when left out",
  ),
}).superRefine((cfg, ctx) => {
  // Runs even when other fields failed (see `when` below), so the input may be malformed here.
  const ids = new Map<string, string>();
  for (const section of ["simulators", "devices", "sinks"] as const) {
    for (const key of Object.keys(isObject(cfg[section]) ? cfg[section] : {})) {
      const other = ids.get(key);
      if (other) {
        ctx.addIssue({
          code: "custom",
          path: [section, key],
          message: `id "${key}" is also used in ${other}`,
        });
      }
      ids.set(key, section);
    }
  }
  if (!Array.isArray(cfg.routes)) return;
  cfg.routes.forEach((r, i) => {
    for (const [field, section] of [["from", "devices"], ["to", "sinks"]] as const) {
      const list: unknown = isObject(r) ? r[field] : undefined;
      if (!Array.isArray(list) || !isObject(cfg[section])) continue;
      list.forEach((ref, j) => {
        if (typeof ref === "string" && !Object.hasOwn(cfg[section], ref)) {
          ctx.addIssue({
            code: "custom",
            path: ["routes", i, field, j],
            message: `no ${section.slice(0, -1)} "${ref}"`,
          });
        }
      });
    }
  });
}, { when: (payload) => isObject(payload.value) }); // also when other fields failed: list every issue

function isObject(v: unknown): v is object {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export type Config = z.output<typeof configSchema>;
export type DeviceConfig = z.output<typeof device>;
export type SinkConfig = z.output<typeof sink>;
export type SimulatorConfig = z.output<typeof simulator>;
export { backoff, port };
