import { z } from "zod";
import { bool, deviceHealth, id, ms, num, port, uns } from "../../src/model/fields.ts";
import { parseModbusAddress } from "./address.ts";
import { byteOrder, modbusTag } from "./tag_config.ts";
import { DEFAULT_GROUP } from "./default_group.ts";
import { checkTags } from "../../src/runtime/kit.ts";

export { byteOrder, modbusTag, type ModbusTagConfig } from "./tag_config.ts";

const group = z.strictObject({
  interval_ms: ms(10).default(1000).describe("poll interval; polls run at a fixed rate"),
  report: z.enum(["always", "on_change"]).default("always").describe(
    "on_change: report by exception",
  ),
  deadband: num(z.number().min(0)).default(0).describe("on_change: smallest change reported"),
  heartbeat_ms: ms(0).default(60_000).describe(
    "on_change: report unchanged values this often anyway (0: never)",
  ),
});
export type ModbusGroupConfig = z.output<typeof group>;

export { DEFAULT_GROUP };

export const modbusDevice = z.strictObject({
  kind: z.literal("modbus"),
  host: z.string().min(1),
  port: port.default(502),
  unit_id: num(z.number().int().min(0).max(255)).default(1).describe(
    'for addresses without "unit!"',
  ),
  framing: z.enum(["tcp", "rtu_over_tcp"]).default("tcp").describe(
    "rtu_over_tcp: RTU frames through a serial gateway",
  ),
  interval_ms: ms(10).default(1000).describe("poll interval of the default group"),
  report: z.enum(["always", "on_change"]).default("always").describe(
    "default group: report by exception",
  ),
  deadband: num(z.number().min(0)).default(0),
  heartbeat_ms: ms(0).default(60_000),
  groups: z.record(id, group).default({}).describe("poll groups, each with its own interval"),
  timeout_ms: ms(1).default(1000).describe("per request"),
  retries: num(z.number().int().min(0).max(5)).default(1).describe(
    "more attempts after a timed-out request",
  ),
  request_delay_ms: ms(0).default(0).describe("pause between requests, for slow devices"),
  max_in_flight: num(z.number().int().min(1).max(16)).default(1)
    .describe("requests in flight at once (pipelining), for servers that allow it"),
  byte_order: byteOrder.default("ABCD"),
  max_registers: num(z.number().int().min(1).max(125)).default(125).describe("per read request"),
  max_bits: num(z.number().int().min(1).max(2000)).default(2000).describe("per coil/discrete read"),
  max_gap: num(z.number().int().min(0).max(124)).default(8).describe(
    "unused registers a request may span",
  ),
  write: z.strictObject({
    function: z.enum(["single", "multiple"]).default("single")
      .describe("single: FC5/FC6 where a value fits; multiple: always FC15/FC16"),
    verify: bool.default(true).describe("read the tag back after writing"),
  }).prefault({}),
  reconnect: z.strictObject({ initial_ms: ms(1).default(500), max_ms: ms(1).default(30_000) })
    .default({ initial_ms: 500, max_ms: 30_000 }),
  uns: uns.optional().describe("overrides of the gateway's UNS levels for this device"),
  health: deviceHealth.optional(),
  tags: z.array(modbusTag).min(1),
}).superRefine((dev, ctx) => {
  checkTags(dev, ctx, DEFAULT_GROUP, (tag, issue) => {
    const parsed = typeof tag.address === "string"
      ? parseModbusAddress(tag.address, dev.unit_id)
      : tag.address;
    if (typeof parsed === "string") return issue("address", parsed);
    const bits = parsed.area === "coil" || parsed.area === "discrete";
    if ((bits || parsed.bit !== undefined) && tag.type !== "bool") {
      issue(
        "type",
        `${bits ? "coils and discrete inputs" : "a bit of a register"} is bool, got ${tag.type}`,
      );
    }
    if (bits && parsed.bit !== undefined) {
      issue("address", "a bit number applies to registers only");
    }
    if (tag.type === "string" && tag.length === undefined) {
      issue("length", "a string tag needs its length in registers");
    }
    if (tag.writable && (parsed.area === "input" || parsed.area === "discrete")) {
      issue(
        "writable",
        `${parsed.area} ${parsed.area === "input" ? "registers" : "inputs"} are read-only`,
      );
    }
    const { min, max } = tag.range ?? {};
    if (min !== undefined && max !== undefined && min > max) {
      issue("range", `min ${min} is above max ${max}`);
    }
  });
});

export type ModbusDeviceConfig = z.output<typeof modbusDevice>;

export const modbusSimulator = z.strictObject({
  kind: z.literal("modbus"),
  host: z.string().default("127.0.0.1"),
  port,
  profile: z.enum(["compressor", "seed001"]).describe("register map and value model"),
  unit_id: num(z.number().int().min(0).max(255)).default(1),
  tick_ms: ms(10).default(1000).describe("how often values change"),
});
export type ModbusSimulatorConfig = z.output<typeof modbusSimulator>;
