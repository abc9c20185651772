import type { TagType } from "../../src/model/tag.ts";

/** Word/byte order of a multi-register value; ABCD is big-endian words and bytes. */
export type ByteOrder = "ABCD" | "CDAB" | "BADC" | "DCBA";

const WORDS: Record<TagType, number> = {
  bool: 1,
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  int64: 4,
  uint64: 4,
  float64: 4,
  string: 1,
};

const LIMITS: Partial<Record<TagType, [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** Registers one value occupies; a string spans `length` registers. */
export function registerCount(type: TagType, length = 1): number {
  return type === "string" ? length : WORDS[type];
}

const swapsWords = (order: ByteOrder) => order === "CDAB" || order === "DCBA";
const swapsBytes = (order: ByteOrder) => order === "BADC" || order === "DCBA";
const swap16 = (w: number) => ((w & 0xff) << 8) | ((w >> 8) & 0xff);

/** The value's registers in big-endian byte order, undoing the device's order. */
function toBigEndian(
  words: ArrayLike<number>,
  start: number,
  count: number,
  order: ByteOrder,
): DataView {
  const view = new DataView(new ArrayBuffer(count * 2));
  for (let i = 0; i < count; i++) {
    const w = words[start + (swapsWords(order) ? count - 1 - i : i)] & 0xffff;
    view.setUint16(i * 2, swapsBytes(order) ? swap16(w) : w);
  }
  return view;
}

/** Registers in the device's order from a big-endian image. */
function fromBigEndian(view: DataView, order: ByteOrder): number[] {
  const count = view.byteLength / 2;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const w = view.getUint16(i * 2);
    out[swapsWords(order) ? count - 1 - i : i] = swapsBytes(order) ? swap16(w) : w;
  }
  return out;
}

/**
 * Decodes a value from registers at `start`. Strings read two characters per register (high byte
 * first unless the order swaps bytes) up to the first NUL; 64-bit integers beyond 2^53 lose
 * precision as JavaScript numbers.
 */
export function decodeRegisters(
  words: ArrayLike<number>,
  start: number,
  type: TagType,
  order: ByteOrder,
  length = 1,
): number | string {
  const count = registerCount(type, length);
  if (!Number.isInteger(start) || start < 0 || start + count > words.length) {
    throw new RangeError(`Cannot decode ${type} at register ${start}: only ${words.length} read`);
  }
  if (type === "string") {
    let text = "";
    for (let i = 0; i < count; i++) {
      const w = words[start + i] & 0xffff;
      const [a, b] = swapsBytes(order) ? [w & 0xff, w >> 8] : [w >> 8, w & 0xff];
      text += String.fromCharCode(a, b);
    }
    const nul = text.indexOf("\0");
    return nul >= 0 ? text.slice(0, nul) : text;
  }
  if (count === 1) {
    // One register: no DataView needed (the common case on a hot path).
    const w = words[start] & 0xffff;
    const v = swapsBytes(order) ? swap16(w) : w;
    if (type === "int16") return v > 0x7fff ? v - 0x10000 : v;
    return type === "bool" ? (v !== 0 ? 1 : 0) : v;
  }
  const view = toBigEndian(words, start, count, order);
  switch (type) {
    case "bool":
      return view.getUint16(0) !== 0 ? 1 : 0;
    case "int16":
      return view.getInt16(0);
    case "uint16":
      return view.getUint16(0);
    case "int32":
      return view.getInt32(0);
    case "uint32":
      return view.getUint32(0);
    case "float32":
      return view.getFloat32(0);
    case "float64":
      return view.getFloat64(0);
    case "int64":
      return Number(view.getBigInt64(0));
    case "uint64":
      return Number(view.getBigUint64(0));
  }
}

/**
 * Encodes a value into registers in the device's order: the inverse of decodeRegisters.
 * Throws RangeError naming the type when the value does not fit (integers must be whole).
 */
export function encodeValue(
  value: number | string,
  type: TagType,
  order: ByteOrder,
  length = 1,
): number[] {
  const count = registerCount(type, length);
  if (type === "string") {
    if (typeof value !== "string") {
      throw new TypeError(`Cannot write ${value} to a string tag: not a string`);
    }
    if (value.length > count * 2) {
      throw new RangeError(`Cannot write "${value}": longer than ${count * 2} characters`);
    }
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const a = value.charCodeAt(2 * i) || 0, b = value.charCodeAt(2 * i + 1) || 0;
      if (a > 0xff || b > 0xff) {
        throw new RangeError(`Cannot write "${value}": only 8-bit characters fit`);
      }
      out.push(swapsBytes(order) ? (b << 8) | a : (a << 8) | b);
    }
    return out;
  }
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Cannot write ${JSON.stringify(value)} to ${type}: not a number`);
  }
  const limits = LIMITS[type];
  if (limits && (!Number.isInteger(value) || value < limits[0] || value > limits[1])) {
    throw new RangeError(
      `Cannot write ${value} to ${type}: whole numbers ${limits[0]}…${limits[1]} only`,
    );
  }
  const view = new DataView(new ArrayBuffer(count * 2));
  switch (type) {
    case "bool":
      view.setUint16(0, value ? 1 : 0);
      break;
    case "int16":
      view.setInt16(0, value);
      break;
    case "uint16":
      view.setUint16(0, value);
      break;
    case "int32":
      view.setInt32(0, value);
      break;
    case "uint32":
      view.setUint32(0, value);
      break;
    case "float32":
      view.setFloat32(0, value);
      break;
    case "float64":
      view.setFloat64(0, value);
      break;
    case "int64":
      view.setBigInt64(0, BigInt(value));
      break;
    case "uint64":
      view.setBigUint64(0, BigInt(value));
      break;
  }
  return fromBigEndian(view, order);
}
