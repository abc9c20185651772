import { z } from "zod";
import { bool, id, ms, num, port, uns } from "./common.ts";
import { parseModbusAddress } from "./modbus_address.ts";

const area = z.enum(["coil", "discrete", "input", "holding"]);

const explicitAddress = z.strictObject({
  unit: num(z.number().int().min(0).max(255)).optional().describe(
    "unit id; the device's unit_id when left out",
  ),
  area,
  address: num(z.number().int().min(0).max(65535)).describe("0-based offset in the area"),
});

/** Word/byte order of multi-register values: ABCD is big-endian words and bytes. */
export const byteOrder = z.enum(["ABCD", "CDAB", "BADC", "DCBA"]);

export const modbusTag = z.strictObject({
  name: id.describe("tag name, the last UNS level"),
  address: z.union([z.string(), explicitAddress])
    .describe(
      '"unit!register" (Neuron/Kepware numbering, e.g. "1!40001") or { unit, area, address }',
    ),
  type: z.enum(["bool", "int16", "uint16", "int32", "uint32", "float32", "float64"]).default(
    "uint16",
  ),
  order: byteOrder.optional().describe("word/byte order; the device's byte_order when left out"),
  scale: num(z.number()).default(1).describe("value = raw × scale + offset"),
  offset: num(z.number()).default(0),
  unit: z.string().optional().describe("engineering unit, e.g. degC"),
  writable: bool.default(false),
  description: z.string().optional(),
});

export const modbusDevice = z.strictObject({
  kind: z.literal("modbus"),
  host: z.string().min(1),
  port: port.default(502),
  unit_id: num(z.number().int().min(0).max(255)).default(1),
  interval_ms: ms(10).default(1000).describe("poll interval"),
  timeout_ms: ms(1).default(1000).describe("per request"),
  byte_order: byteOrder.default("ABCD"),
  max_registers: num(z.number().int().min(1).max(125)).default(125).describe("per read request"),
  max_gap: num(z.number().int().min(0).max(124)).default(8).describe(
    "unused registers a request may span",
  ),
  reconnect: z.strictObject({ initial_ms: ms(1).default(500), max_ms: ms(1).default(30_000) })
    .default({ initial_ms: 500, max_ms: 30_000 }),
  uns: uns.optional().describe("overrides of the gateway's UNS levels for this device"),
  tags: z.array(modbusTag).min(1),
}).superRefine((dev, ctx) => {
  const seen = new Set<string>();
  dev.tags.forEach((tag, i) => {
    if (seen.has(tag.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["tags", i, "name"],
        message: `duplicate tag name "${tag.name}"`,
      });
    }
    seen.add(tag.name);
    const parsed = typeof tag.address === "string"
      ? parseModbusAddress(tag.address, dev.unit_id)
      : tag.address;
    if (typeof parsed === "string") {
      ctx.addIssue({ code: "custom", path: ["tags", i, "address"], message: parsed });
    } else if ((parsed.area === "coil" || parsed.area === "discrete") && tag.type !== "bool") {
      ctx.addIssue({
        code: "custom",
        path: ["tags", i, "type"],
        message: `coils and discrete inputs are bool, got ${tag.type}`,
      });
    }
  });
});

export type ModbusDeviceConfig = z.output<typeof modbusDevice>;
export type ModbusTagConfig = z.output<typeof modbusTag>;

export const modbusSimulator = z.strictObject({
  kind: z.literal("modbus"),
  host: z.string().default("127.0.0.1"),
  port,
  profile: z.enum(["compressor", "seed001"]).describe("register map and value model"),
  unit_id: num(z.number().int().min(0).max(255)).default(1),
  tick_ms: ms(10).default(1000).describe("how often values change"),
});
export type ModbusSimulatorConfig = z.output<typeof modbusSimulator>;
