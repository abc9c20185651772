import { z } from "@hono/zod-openapi";

/** Every error the API answers: a code from a small set and a message naming what was wrong. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().openapi({ example: "forbidden" }),
    message: z.string().openapi({
      example: "Cannot write compressor2.temperature: the tag is not writable",
    }),
  }),
}).openapi("Error");

export const Health = z.object({ status: z.literal("ok"), uptime_s: z.number() }).openapi("Health");

const ActorState = z.enum(["starting", "running", "degraded", "failed", "stopped"]);

export const NotReady = z.object({
  status: z.literal("not_ready"),
  actors: z.array(z.object({
    id: z.string(),
    kind: z.string(),
    role: z.string(),
    state: ActorState,
    reason: z.string().optional(),
    since: z.string(),
  })),
}).openapi("NotReady");

export const ActorStatus = z.object({
  id: z.string(),
  kind: z.string(),
  role: z.enum(["device", "sink", "transform", "simulator"]),
  worker: z.string(),
  state: ActorState,
  reason: z.string().optional(),
  since: z.string(),
  restarts: z.number(),
  backoff_ms: z.number().optional(),
  counters: z.record(z.string(), z.number()),
}).openapi("Actor");

export const Device = z.object({
  id: z.string().openapi({ example: "compressor2" }),
  kind: z.string().openapi({ example: "opcua" }),
  state: z.string().openapi({ example: "running" }),
  reason: z.string().optional(),
  tags: z.number().openapi({ example: 5 }),
}).openapi("Device");

const Value = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const Tag = z.object({
  name: z.string().openapi({ example: "signal_light" }),
  path: z.string().openapi({
    example: "acme/remote_plant_1/utilities/compressed_air/compressor2/signal_light",
  }),
  type: z.string().openapi({ example: "bool" }),
  unit: z.string().optional(),
  writable: z.boolean(),
  group: z.string().optional(),
  value: Value,
  quality: z.enum(["good", "uncertain", "bad"]).nullable(),
  reason: z.string().optional(),
  ts: z.string().nullable(),
}).openapi("Tag");

export const Alarm = z.object({
  device: z.string().openapi({ example: "demo" }),
  alarm: z.string().openapi({ example: "humidity_high" }),
  path: z.string().openapi({ example: "acme/plant/demo/alarms/humidity_high" }),
  level: z.string().openapi({ example: "h" }),
  severity: z.number().int(),
  acknowledged: z.boolean(),
  since: z.string(),
  reason: z.string().optional().openapi({ example: "723 above high 720" }),
}).openapi("Alarm");

export const DeviceParam = z.object({
  device: z.string().openapi({ param: { name: "device", in: "path" }, example: "compressor2" }),
});

export const TagParams = DeviceParam.extend({
  tag: z.string().openapi({ param: { name: "tag", in: "path" }, example: "signal_light" }),
});

export const ActorParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "compressor1" }),
});

/** A JSON value a tag can take. */
const Writable = z.union([z.number(), z.string(), z.boolean()]);

export const WriteBody = z.object({ value: Writable }).openapi("WriteRequest", {
  example: { value: true },
});

export const WriteManyBody = z.object({
  tags: z.record(z.string(), Writable).refine((t) => Object.keys(t).length > 0, {
    message: "name at least one tag",
  }),
}).openapi("WriteManyRequest", { example: { tags: { setpoint: 6.5, enable: true } } });

export const Written = z.object({
  device: z.string(),
  tag: z.string(),
  written: z.unknown(),
  status: z.string().openapi({ example: "Good" }),
  readback: z.unknown().optional(),
  ts: z.string(),
  duration_ms: z.number(),
}).openapi("Written");

export const WriteManyResult = z.object({
  device: z.string(),
  /** True when every tag was written. */
  ok: z.boolean(),
  results: z.array(z.union([
    Written.extend({ ok: z.literal(true) }),
    z.object({ tag: z.string(), ok: z.literal(false), error: ErrorBody.shape.error }),
  ])),
}).openapi("WriteManyResult");

export const Restarted = z.object({ actor: z.string(), duration_ms: z.number() }).openapi(
  "Restarted",
);

export const AuditQuery = z.object({
  since: z.string().optional().openapi({
    param: { name: "since", in: "query" },
    example: "2026-12-02T10:00:00Z",
    description: "ISO 8601 time or ms since the epoch; default: everything kept",
  }),
  limit: z.coerce.number().int().min(1).max(10_000).default(100).openapi({
    param: { name: "limit", in: "query" },
    example: 100,
  }),
});

export const AuditEntry = z.object({
  ts: z.string(),
  channel: z.enum(["rest", "mqtt", "sparkplug"]),
  caller: z.string(),
  action: z.enum(["write", "restart", "reload"]),
  device: z.string().optional(),
  tag: z.string().optional(),
  actor: z.string().optional(),
  value: z.unknown().optional(),
  outcome: z.enum(["done", "refused", "failed"]),
  code: z.string().optional(),
  reason: z.string().optional(),
  written: z.unknown().optional(),
  readback: z.unknown().optional(),
  duration_ms: z.number(),
}).openapi("AuditEntry");

export const ConfigInForce = z.object({
  file: z.string().optional(),
  loaded_at: z.string(),
  config: z.unknown().openapi({ description: "secrets shown as ${ENV} references or ***" }),
}).openapi("ConfigInForce");

export const Reloaded = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
  retargeted: z.array(z.string()).openapi({
    description: "running devices and transforms whose batches go to other sinks now",
  }),
  late: z.array(z.string()).openapi({ description: "actors that did not stop in time" }),
}).openapi("Reloaded");

export const ReloadRefused = ErrorBody.extend({
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).openapi("ReloadRefused");
