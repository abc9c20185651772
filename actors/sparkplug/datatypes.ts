import Long from "long";
import type { TagType } from "../../src/model/tag.ts";
import type { Metric } from "./proto.ts";

/** Sparkplug B data types (the scalar ones), by the numbers the specification gives them. */
export const DataType = {
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

const NAMES = new Map<number, string>(Object.entries(DataType).map(([k, v]) => [v, k]));

/** The name of a data type code, or `type <n>` for one this node does not know. */
export function dataTypeName(code: number): string {
  return NAMES.get(code) ?? `type ${code}`;
}

/** The Sparkplug data type a tag of this type is published as. */
export function dataTypeOf(type: TagType): DataTypeCode {
  switch (type) {
    case "bool":
      return DataType.Boolean;
    case "int16":
      return DataType.Int16;
    case "uint16":
      return DataType.UInt16;
    case "int32":
      return DataType.Int32;
    case "uint32":
      return DataType.UInt32;
    case "int64":
      return DataType.Int64;
    case "uint64":
      return DataType.UInt64;
    case "float32":
      return DataType.Float;
    case "float64":
      return DataType.Double;
    case "string":
      return DataType.String;
  }
}

/** A value a metric can carry: a number (booleans 0/1 too), a text, or a 64-bit integer. */
export type MetricValue = number | string | boolean | bigint;

/** A 64-bit integer of a JS number or bigint, as the Long of a uint64 field (two's complement). */
function long64(value: number | bigint, signed: boolean): Long {
  const big = typeof value === "bigint" ? value : BigInt(Math.trunc(value));
  const bits = BigInt.asUintN(64, signed ? BigInt.asIntN(64, big) : big);
  return Long.fromString(bits.toString(), true);
}

/** The value fields of a metric. */
export type ValueField =
  | "int_value"
  | "long_value"
  | "float_value"
  | "double_value"
  | "boolean_value"
  | "string_value";

/** The field a data type's value goes in; undefined for a type this node does not know. */
export function valueField(type: number): ValueField | undefined {
  switch (type) {
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32:
    case DataType.UInt8:
    case DataType.UInt16:
    case DataType.UInt32:
      return "int_value";
    case DataType.Int64:
    case DataType.UInt64:
    case DataType.DateTime:
      return "long_value";
    case DataType.Float:
      return "float_value";
    case DataType.Double:
      return "double_value";
    case DataType.Boolean:
      return "boolean_value";
    case DataType.String:
    case DataType.Text:
      return "string_value";
  }
}

/**
 * Puts a value into the field its data type uses: 8/16/32-bit integers into int_value (uint32;
 * negatives as 32-bit two's complement, as the reference encoder does), Int64/UInt64 and DateTime
 * (ms) into long_value (uint64; negatives as 64-bit two's complement), Float, Double, Boolean,
 * String/Text into their own fields. Never loses the sign of a negative integer.
 */
export function setValue(metric: Metric, type: number, value: MetricValue): void {
  const num = typeof value === "boolean" ? (value ? 1 : 0) : value;
  switch (valueField(type)) {
    case "int_value":
      metric.int_value = Number(num) >>> 0;
      return;
    case "long_value":
      metric.long_value = long64(toInteger(num), type !== DataType.UInt64);
      return;
    case "float_value":
      metric.float_value = Number(num);
      return;
    case "double_value":
      metric.double_value = Number(num);
      return;
    case "boolean_value":
      metric.boolean_value = typeof value === "string" ? value === "true" : Number(num) !== 0;
      return;
    case "string_value":
      metric.string_value = String(value);
      return;
    default:
      throw new Error(`Cannot encode a value of Sparkplug ${dataTypeName(type)}`);
  }
}

function toInteger(v: number | string | bigint): number | bigint {
  if (typeof v === "bigint") return v;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`Cannot encode ${v} as an integer`);
  return n;
}

/** The bigint of a uint64 field as protobufjs decoded it (Long, number or numeric string). */
function bigOf(v: unknown): bigint {
  if (Long.isLong(v)) return BigInt((v as Long).toUnsigned().toString());
  return BigInt(v as number | string);
}

/**
 * The value a metric carries, by its data type: signed integers of every width read back
 * negative, 64-bit ones as a number when it is exact and else a bigint; undefined when the metric
 * has no value of the field its type uses (or is null).
 */
export function valueOf(metric: Metric, type: number): MetricValue | undefined {
  if (metric.is_null) return undefined;
  const int = metric.int_value;
  switch (type) {
    case DataType.Int8:
      return int === undefined ? undefined : (int << 24) >> 24;
    case DataType.Int16:
      return int === undefined ? undefined : (int << 16) >> 16;
    case DataType.Int32:
      return int === undefined ? undefined : int | 0;
    case DataType.UInt8:
      return int === undefined ? undefined : int & 0xff;
    case DataType.UInt16:
      return int === undefined ? undefined : int & 0xffff;
    case DataType.UInt32:
      // Older encoders put UInt32 in long_value.
      return int ??
        (metric.long_value === undefined ? undefined : Number(bigOf(metric.long_value)));
    case DataType.Int64:
    case DataType.DateTime:
    case DataType.UInt64: {
      if (metric.long_value === undefined) return undefined;
      const bits = bigOf(metric.long_value);
      const big = type === DataType.UInt64 ? bits : BigInt.asIntN(64, bits);
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    case DataType.Float:
      return metric.float_value;
    case DataType.Double:
      return metric.double_value;
    case DataType.Boolean:
      return metric.boolean_value;
    case DataType.String:
    case DataType.Text:
      return metric.string_value;
    default:
      return undefined;
  }
}
