import { z } from "zod";
import { bool, id, num } from "../../src/model/fields.ts";

const area = z.enum(["coil", "discrete", "input", "holding"]);

const explicitAddress = z.strictObject({
  unit: num(z.number().int().min(0).max(255)).optional().describe(
    "unit id; the device's unit_id when left out",
  ),
  area,
  address: num(z.number().int().min(0).max(65535)).describe("0-based offset in the area"),
  bit: num(z.number().int().min(0).max(15)).optional().describe(
    "a bool in one bit of a register (0 = least significant)",
  ),
});

/** Word/byte order of multi-register values: ABCD is big-endian words and bytes. */
export const byteOrder = z.enum(["ABCD", "CDAB", "BADC", "DCBA"]);

export const modbusType = z.enum([
  "bool",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
  "string",
]);

export const modbusTag = z.strictObject({
  name: id.describe("tag name, the last UNS level"),
  address: z.union([z.string(), explicitAddress])
    .describe(
      '"unit!register[.bit]" (Neuron/Kepware numbering, e.g. "1!40001", "1!40001.3") or { unit, area, address, bit }',
    ),
  type: modbusType.default("uint16"),
  length: num(z.number().int().min(1).max(125)).optional().describe(
    "string: registers it spans (2 characters each)",
  ),
  order: byteOrder.optional().describe("word/byte order; the device's byte_order when left out"),
  scale: num(z.number()).default(1).describe("value = raw × scale + offset"),
  offset: num(z.number()).default(0),
  unit: z.string().optional().describe("engineering unit, e.g. degC"),
  writable: bool.default(false).describe("accept writes (FC 5/6/15/16) through the command path"),
  group: id.optional().describe("poll group; the device's default group when left out"),
  range: z.strictObject({ min: num(z.number()).optional(), max: num(z.number()).optional() })
    .optional()
    .describe("valid engineering range: reads outside it are uncertain, writes outside it refused"),
  clamp: bool.default(false).describe("clamp reads outside range to it (still marked uncertain)"),
  deadband: num(z.number().min(0)).optional().describe(
    "report by exception: publish only changes beyond this (overrides the group's)",
  ),
  description: z.string().optional(),
});

export type ModbusTagConfig = z.output<typeof modbusTag>;
