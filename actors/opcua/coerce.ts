import { DataType } from "node-opcua";
import type { OpcuaType } from "./config.ts";

/** A JSON value turned into what node-opcua writes for a DataType, or why it cannot be. */
export type Coerced = { ok: true; dataType: DataType; value: unknown } | {
  ok: false;
  reason: string;
};

const RANGES: Partial<Record<OpcuaType, [number, number]>> = {
  SByte: [-128, 127],
  Byte: [0, 255],
  Int16: [-32768, 32767],
  UInt16: [0, 65535],
  Int32: [-2147483648, 2147483647],
  UInt32: [0, 4294967295],
};

const FLOAT_MAX = 3.4028234663852886e38;

/** [high, low] words of a 64-bit integer, as node-opcua carries Int64 and UInt64. */
export function toWords(n: bigint): [number, number] {
  const u = BigInt.asUintN(64, n);
  return [Number(u >> 32n), Number(u & 0xffff_ffffn)];
}

function integer64(value: unknown, signed: boolean): bigint | string {
  let n: bigint;
  if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === "string" && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
  else return `expected an integer (or a string of digits), got ${JSON.stringify(value)}`;
  const [min, max] = signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
  if (n < min || n > max) return `${n} is outside ${signed ? "Int64" : "UInt64"}`;
  return n;
}

/**
 * Coerces a JSON value to a node's DataType: true/false (or 1/0) for Boolean, integers within the
 * type's range, 64-bit integers also as digit strings, finite numbers for Float/Double, strings,
 * and ISO 8601 text or epoch milliseconds for DateTime.
 */
export function coerce(value: unknown, type: OpcuaType): Coerced {
  const no = (reason: string): Coerced => ({ ok: false, reason });
  const dataType = DataType[type];
  switch (type) {
    case "Boolean":
      if (value === true || value === 1) return { ok: true, dataType, value: true };
      if (value === false || value === 0) return { ok: true, dataType, value: false };
      return no(`expected true or false, got ${JSON.stringify(value)}`);
    case "Int64":
    case "UInt64": {
      const n = integer64(value, type === "Int64");
      return typeof n === "string" ? no(n) : { ok: true, dataType, value: toWords(n) };
    }
    case "Float":
    case "Double":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return no(`expected a number, got ${JSON.stringify(value)}`);
      }
      if (type === "Float" && Math.abs(value) > FLOAT_MAX) return no(`${value} is outside Float`);
      return { ok: true, dataType, value };
    case "String":
      if (typeof value !== "string") return no(`expected a string, got ${JSON.stringify(value)}`);
      return { ok: true, dataType, value };
    case "DateTime": {
      const date = typeof value === "string" || typeof value === "number"
        ? new Date(value)
        : undefined;
      if (!date || Number.isNaN(date.getTime())) {
        return no(`expected an ISO 8601 time or epoch milliseconds, got ${JSON.stringify(value)}`);
      }
      return { ok: true, dataType, value: date };
    }
    default: {
      const [min, max] = RANGES[type]!;
      if (typeof value !== "number" || !Number.isInteger(value)) {
        return no(`expected an integer, got ${JSON.stringify(value)}`);
      }
      if (value < min || value > max) return no(`${value} is outside ${type} [${min}, ${max}]`);
      return { ok: true, dataType, value };
    }
  }
}
