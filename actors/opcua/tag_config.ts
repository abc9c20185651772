import { z } from "zod";
import { bool, id, ms, num } from "../../src/model/fields.ts";
import { OPCUA_TYPES, type OpcuaType } from "./types.ts";

/** A data-change filter: changes smaller than this are not reported by the server. */
export const deadband = z.strictObject({
  type: z.enum(["absolute", "percent"]).describe("percent: of the node's EURange"),
  value: num(z.number().min(0)),
});

/** OPC UA built-in types a tag may declare; left out, the node's DataType is read at connect. */
export const opcuaType = z.enum(OPCUA_TYPES);
export type { OpcuaType };

export const opcuaTag = z.strictObject({
  name: id.describe("tag name, the last UNS level"),
  node_id: z.string().regex(
    /^(ns=\d+;)?[isgb]=.+$|^nsu=[^;]+;[isgb]=.+$/,
    'expected a node id such as "ns=2;s=Compressor.Temperature" or "i=2258"',
  ),
  type: opcuaType.optional().describe("the node's DataType; read from the server when left out"),
  unit: z.string().optional().describe(
    "engineering unit, e.g. degC; left out: the node's EngineeringUnits, if it has them",
  ),
  writable: bool.default(false).describe("accept writes through the command path"),
  group: id.optional().describe("read-poll in this group instead of subscribing"),
  sampling_interval_ms: ms(0).optional().describe("overrides the subscription's"),
  queue_size: num(z.number().int().min(1).max(10_000)).optional(),
  deadband: deadband.nullable().optional().describe("overrides the subscription's; null: none"),
  description: z.string().optional(),
});

export type OpcuaTagConfig = z.output<typeof opcuaTag>;
