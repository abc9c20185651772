import { z } from "zod";
import { backoff, id, ms, num, uns, type WhenFull } from "../model/fields.ts";
import type { UnsPrefix } from "../model/tag.ts";

/** What the config needs of a driver: its role, and schemas loaded on demand (see actors/). */
export interface DriverSchemas {
  kind: string;
  role: "device" | "sink" | "transform";
  config(): Promise<z.ZodType>;
  simulator?: { config(): Promise<z.ZodType> };
}

/** What every device entry has, whatever its kind. */
export interface DeviceEntry {
  kind: string;
  uns?: UnsPrefix;
  health?: { degraded_after?: number; stale_after_ms?: number };
  [field: string]: unknown;
}

/** What every sink entry has, whatever its kind: the bounded queue in front of it. */
export interface SinkEntry {
  kind: string;
  queue: { max_samples: number; when_full: WhenFull };
  health?: { degraded_after?: number; lag_alarm_ms?: number };
  [field: string]: unknown;
}

/** What every transform entry has: the devices it takes samples from. */
export interface TransformEntry {
  kind: string;
  from: string[];
  [field: string]: unknown;
}

/** A built-in simulator entry. */
export interface SimulatorEntry {
  kind: string;
  [field: string]: unknown;
}

/** The sections whose entries name a driver by `kind`, each id unique across them. */
export const ENTRY_SECTIONS = ["simulators", "devices", "sinks", "transforms"] as const;

/** A CSV file of device instances: column `name` is the device id, every column a template var. */
const csvDevices = z.strictObject({
  file: z.string().min(1).describe("CSV file, relative to the config file's folder"),
  template: id.describe("the template each row instantiates"),
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional()
    .describe("variables every row shares (a row's columns win)"),
});

/** One config entry per kind, by `kind`; loads every driver's schema. */
export async function kindSchemas(drivers: readonly DriverSchemas[]) {
  const byRole = {
    device: [] as z.ZodType[],
    sink: [] as z.ZodType[],
    transform: [] as z.ZodType[],
    simulator: [] as z.ZodType[],
  };
  for (const d of drivers) {
    byRole[d.role].push(checked(d.kind, d.role, await d.config()));
    if (d.simulator) {
      byRole.simulator.push(checked(d.kind, "simulator", await d.simulator.config()));
    }
  }
  return {
    device: union(byRole.device) as z.ZodType<DeviceEntry>,
    sink: union(byRole.sink) as z.ZodType<SinkEntry>,
    transform: union(byRole.transform) as z.ZodType<TransformEntry>,
    simulator: union(byRole.simulator) as z.ZodType<SimulatorEntry>,
  };
}

/** A driver's schema must name its kind, and a sink's must have its queue. */
function checked(kind: string, role: string, schema: z.ZodType): z.ZodType {
  const shape = (schema as unknown as { shape?: Record<string, { value?: unknown }> }).shape;
  if (shape?.kind?.value !== kind) {
    throw new Error(`The ${role} driver "${kind}" has a schema without kind: z.literal("${kind}")`);
  }
  if (role === "sink" && !shape.queue) {
    throw new Error(`The sink driver "${kind}" has a schema without a queue field`);
  }
  if (role === "transform" && !shape.from) {
    throw new Error(`The transform driver "${kind}" has a schema without a from field`);
  }
  return schema;
}

function union(options: z.ZodType[]): z.ZodType {
  if (options.length === 0) return z.never();
  // Each option was checked to be an object with a literal `kind` (see `checked`).
  const objects = options as unknown as [z.ZodObject, ...z.ZodObject[]];
  return z.discriminatedUnion("kind", objects);
}

/** The whole configuration file, for the given drivers: types, defaults, JSON Schema and docs. */
export async function buildConfigSchema(drivers: readonly DriverSchemas[]) {
  const { device, sink, transform, simulator } = await kindSchemas(drivers);
  return configSchemaOf(device, sink, transform, simulator);
}

const route = z.strictObject({
  from: z.union([z.literal("*"), z.array(id).min(1)]).describe(
    'device and transform ids, or "*" for all',
  ),
  to: z.union([z.literal("*"), z.array(id).min(1)]).describe('sink ids, or "*" for all'),
});

function configSchemaOf(
  device: z.ZodType<DeviceEntry>,
  sink: z.ZodType<SinkEntry>,
  transform: z.ZodType<TransformEntry>,
  simulator: z.ZodType<SimulatorEntry>,
) {
  return z.strictObject({
    $schema: z.string().optional(),
    gateway: z.strictObject({
      name: id.default("tagflow").describe("this gateway's name, in logs and client ids"),
      log_level: z.enum(["debug", "info", "warn", "error"]).default("info"),
      shutdown_timeout_ms: ms(100).default(10_000).describe(
        "on SIGINT/SIGTERM: time to drain sinks",
      ),
      channel_capacity: num(z.number().int().min(1).max(4096)).default(16)
        .describe("batches in flight from one worker to one sink's (or transform's) worker"),
      coalesce_ms: num(z.number().min(0).max(100)).default(0).describe(
        "a worker holds a batch up to this long after its previous message so several batches cross to a sink's worker in one message; 2–5 saves CPU with thousands of devices, at that much latency",
      ),
      restart: backoff(500, 30_000).describe("delay before restarting a failed actor"),
      placement: z.record(z.string(), num(z.number().int().min(1).max(64))).default({})
        .describe(
          'workers per actor kind, e.g. { "modbus": 2 } packs a fleet of Modbus devices into 2 workers; unlisted: Modbus devices a worker per 1,000, OPC UA devices per 50 (at most one per CPU core), other kinds a worker per actor (an MQTT sink whose sources all share one worker runs there)',
        ),
    }).prefault({}),
    health: z.strictObject({
      degraded_after: num(z.number().int().min(1)).default(3).describe(
        "a device is degraded after this many polls in a row read nothing good; a sink after this many failed writes in a row",
      ),
      lag_alarm_ms: ms(1).default(60_000).describe(
        "a sink is degraded while its oldest record not yet stored is older than this",
      ),
    }).prefault({}).describe("defaults of the devices' and sinks' own `health` settings"),
    api: z.strictObject({
      host: z.string().default("127.0.0.1").describe("0.0.0.0 to serve other hosts"),
      port: num(z.number().int().min(0).max(65535)).default(8080).describe("0 picks a free port"),
      tokens: z.record(id, z.string()).default({}).describe(
        'bearer tokens by name for writes and restarts ("Authorization: Bearer <token>"); use "${ENV_VAR}": an empty one is ignored, and with none, writes and restarts answer 403',
      ),
    }).prefault({}),
    commands: z.strictObject({
      timeout_ms: ms(100).default(10_000).describe("how long a device may take to answer a write"),
      per_tag_per_s: num(z.number().positive()).default(5).describe(
        "writes a second to one tag (a burst of as many); more answer 429",
      ),
      global_per_s: num(z.number().positive()).default(50).describe(
        "writes and restarts a second in all; more answer 429",
      ),
      audit_file: z.string().default("data/audit.jsonl").describe(
        "append-only JSON lines: every command, done or refused",
      ),
    }).prefault({}).describe("the command path that REST and MQTT writes take"),
    uns: uns.default({}),
    simulators: z.record(id, simulator).default({}).describe(
      "built-in device simulators, started first",
    ),
    templates: z.record(id, z.record(z.string(), z.unknown())).optional().describe(
      'device templates: a device entry { "template": "<name>", "vars": { "host": … } } is the template with every ${var} replaced, its own fields on top (expanded when the config is read)',
    ),
    devices_from: z.union([csvDevices, z.array(csvDevices)]).optional().describe(
      "devices made from the rows of CSV files, one per row, from a template",
    ),
    devices: z.record(id, device).default({}).describe(
      'a device may also take its tags from a CSV file: "tags_from": "tags.csv" (columns name, address, type, scale, unit, writable, description)',
    ),
    sinks: z.record(id, sink).default({}),
    transforms: z.record(id, transform).default({}).describe(
      "computations on devices' samples (filters, derived tags, windows, alarms, OEE); their results are routed to sinks like a device's",
    ),
    routes: z.array(route).optional().describe(
      "which devices and transforms feed which sinks; all to all when left out",
    ),
  }).superRefine((cfg, ctx) => {
    // Runs even when other fields failed (see `when` below), so the input may be malformed here.
    const ids = new Map<string, string>();
    for (const section of ENTRY_SECTIONS) {
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
    const has = (section: "devices" | "sinks" | "transforms", ref: string) =>
      isObject(cfg[section]) && Object.hasOwn(cfg[section], ref);
    // A transform takes samples from devices (not from other transforms, for now).
    for (const [tid, t] of Object.entries(isObject(cfg.transforms) ? cfg.transforms : {})) {
      const from: unknown = isObject(t) ? t.from : undefined;
      if (!Array.isArray(from)) continue;
      from.forEach((ref, j) => {
        if (typeof ref === "string" && !has("devices", ref)) {
          ctx.addIssue({
            code: "custom",
            path: ["transforms", tid, "from", j],
            message: `no device "${ref}"`,
          });
        }
      });
    }
    checkTagRefs(cfg, ctx);
    if (!Array.isArray(cfg.routes)) return;
    cfg.routes.forEach((r, i) => {
      for (const field of ["from", "to"] as const) {
        const list: unknown = isObject(r) ? r[field] : undefined;
        if (!Array.isArray(list)) continue;
        list.forEach((ref, j) => {
          if (typeof ref !== "string") return;
          const known = field === "from"
            ? has("devices", ref) || has("transforms", ref)
            : has("sinks", ref);
          if (!known) {
            ctx.addIssue({
              code: "custom",
              path: ["routes", i, field, j],
              message: field === "from" ? `no device or transform "${ref}"` : `no sink "${ref}"`,
            });
          }
        });
      }
    });
  }, { when: (payload) => isObject(payload.value) }); // also when other fields failed: list every issue
}

/**
 * A transform names tags as "device/tag" (any field but an expression's text): where that device
 * lists its tags in the config (`tags: [{ "name": … }]`), the tag must be one of them. Devices
 * whose tags come from elsewhere (an MQTT source's payloads) are not checked here.
 */
function checkTagRefs(cfg: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const devices = isObject(cfg.devices) ? cfg.devices : {};
  const transforms = isObject(cfg.transforms) ? cfg.transforms : {};
  const named = (device: string): Set<string> | undefined => {
    const tags = isObject(devices[device])
      ? (devices[device] as { tags?: unknown }).tags
      : undefined;
    if (!Array.isArray(tags)) return undefined;
    return new Set(tags.flatMap((t) => {
      const name = isObject(t) ? t.name : undefined;
      return typeof name === "string" ? [name] : [];
    }));
  };
  for (const [tid, t] of Object.entries(transforms)) {
    const from = isObject(t) && Array.isArray((t as { from?: unknown }).from)
      ? (t as { from: unknown[] }).from
      : [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      if (typeof v === "string") {
        const m = /^([A-Za-z0-9_-]+)\/([^/\s*]+)$/.exec(v);
        if (!m || !from.includes(m[1])) return;
        const tags = named(m[1]);
        if (tags && !tags.has(m[2])) {
          ctx.addIssue({
            code: "custom",
            path: ["transforms", tid, ...path],
            message: `device "${m[1]}" has no tag "${m[2]}"`,
          });
        }
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (isObject(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (k !== "expr" && k !== "from") walk(x, [...path, k]);
        }
      }
    };
    walk(t, []);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The zod schema of a whole config file. */
export type ConfigSchema = ReturnType<typeof configSchemaOf>;
export type Config = z.output<ConfigSchema>;
export type {
  DeviceEntry as DeviceConfig,
  SinkEntry as SinkConfig,
  TransformEntry as TransformConfig,
};
