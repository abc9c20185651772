import { Buffer } from "node:buffer";
import { DataType, type DataValue, type StatusCode } from "node-opcua";
import { isOpcuaType, type OpcuaType } from "./types.ts";
import { Quality, type QualityCode } from "../../src/model/sample.ts";
import type { TagType } from "../../src/model/tag.ts";

/** A value read or notified, ready for a batch: a number (bool 0/1), a text, or NaN when bad. */
export interface Reading {
  ts: number;
  value: number | string;
  quality: QualityCode;
  reason?: string;
}

/** The quality of an OPC UA status code (by its severity bits), with its name unless good. */
export function statusQuality(status: StatusCode): { quality: QualityCode; reason?: string } {
  const severity = status.value >>> 30; // 00 good, 01 uncertain, 10/11 bad
  if (severity === 0) return { quality: Quality.good };
  return { quality: severity === 1 ? Quality.uncertain : Quality.bad, reason: status.name };
}

/** The sample type a node's DataType maps to (8-bit integers widen, DateTime is ISO text). */
export function tagTypeOf(type: OpcuaType | undefined): TagType {
  switch (type) {
    case "Boolean":
      return "bool";
    case "SByte":
    case "Int16":
      return "int16";
    case "Byte":
    case "UInt16":
      return "uint16";
    case "Int32":
      return "int32";
    case "UInt32":
      return "uint32";
    case "Int64":
      return "int64";
    case "UInt64":
      return "uint64";
    case "Float":
      return "float32";
    case "String":
    case "DateTime":
      return "string";
    default:
      return "float64";
  }
}

/** The configurable name of a built-in DataType id, or undefined for any other type. */
export function opcuaTypeName(dataType: number): OpcuaType | undefined {
  const name = DataType[dataType];
  return isOpcuaType(name) ? name : undefined;
}

/** A 64-bit integer from node-opcua's [high, low] words (beyond 2^53 it loses precision). */
export function fromWords([high, low]: number[], signed: boolean): number {
  const big = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  return Number(signed ? BigInt.asIntN(64, big) : big);
}

/** A Variant's value as a sample value: booleans 0/1, numbers, everything else as text. */
export function sampleValue(dataType: DataType, value: unknown): number | string {
  if (value === null || value === undefined) return NaN;
  if (dataType === DataType.Int64 || dataType === DataType.UInt64) {
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "number") {
      return fromWords(value as number[], dataType === DataType.Int64);
    }
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? NaN : value.toISOString();
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  const text = (value as { text?: unknown }).text; // LocalizedText
  if (typeof text === "string") return text;
  return asText(
    ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<unknown>) : value,
  );
}

/** Any other value as text: JSON where it can be (64-bit integers as numbers), else its kind. */
function asText(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v) => typeof v === "bigint" ? Number(v) : v) ??
      Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A timestamp's ms, unless absent or OPC UA's "no time" (1601 or before 1970). */
function validTime(date: Date | null | undefined): number | undefined {
  const ms = date?.getTime();
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/** The time a sample carries: the source's, the server's (each falling back), or arrival. */
export function timeOf(
  dv: DataValue,
  timestamp: "source" | "server" | "gateway",
  now: number,
): number {
  if (timestamp === "gateway") return now;
  const source = validTime(dv.sourceTimestamp);
  const server = validTime(dv.serverTimestamp);
  return timestamp === "source" ? source ?? server ?? now : server ?? source ?? now;
}

/**
 * A DataValue as a sample: the timestamp asked for, the status as quality with its name as the
 * reason, and no value at all when bad.
 */
export function readingOf(
  dv: DataValue,
  timestamp: "source" | "server" | "gateway",
  now: number,
): Reading {
  const ts = timeOf(dv, timestamp, now);
  if (dv.statusCode.value === 0) {
    return { ts, value: sampleValue(dv.value.dataType, dv.value.value), quality: Quality.good };
  }
  const { quality, reason } = statusQuality(dv.statusCode);
  const value = quality === Quality.bad ? NaN : sampleValue(dv.value.dataType, dv.value.value);
  return reason === undefined ? { ts, value, quality } : { ts, value, quality, reason };
}
