import type { TagType } from "../src/model/tag.ts";

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

/** Registers one value of the type occupies (strings: per configured length). */
export function registerCount(type: TagType): number {
  return WORDS[type];
}

/** Puts the value's registers into big-endian byte order, undoing the device's order. */
function toBigEndian(
  words: ArrayLike<number>,
  start: number,
  count: number,
  order: ByteOrder,
): DataView {
  const view = new DataView(new ArrayBuffer(count * 2));
  const swapWords = order === "CDAB" || order === "DCBA";
  const swapBytes = order === "BADC" || order === "DCBA";
  for (let i = 0; i < count; i++) {
    const w = words[start + (swapWords ? count - 1 - i : i)] & 0xffff;
    view.setUint16(i * 2, swapBytes ? ((w & 0xff) << 8) | (w >> 8) : w);
  }
  return view;
}

/** Decodes a numeric value from registers at `start`; bool reads the register as nonzero. */
export function decodeRegisters(
  words: ArrayLike<number>,
  start: number,
  type: TagType,
  order: ByteOrder,
): number {
  const count = registerCount(type);
  if (!Number.isInteger(start) || start < 0 || start + count > words.length) {
    throw new RangeError(`Cannot decode ${type} at register ${start}: only ${words.length} read`);
  }
  if (count === 1) {
    const w = words[start] & 0xffff;
    const v = order === "BADC" || order === "DCBA" ? ((w & 0xff) << 8) | (w >> 8) : w;
    if (type === "int16") return v > 0x7fff ? v - 0x10000 : v;
    if (type === "bool") return v !== 0 ? 1 : 0;
    return v;
  }
  const view = toBigEndian(words, start, count, order);
  switch (type) {
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
    default:
      throw new TypeError(`Cannot decode ${type} from registers`);
  }
}
