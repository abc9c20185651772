import assert from "node:assert/strict";
import fc from "fast-check";
import type { TagType } from "../../src/model/tag.ts";
import { type ByteOrder, decodeRegisters, encodeValue } from "./codec.ts";

const ORDERS: ByteOrder[] = ["ABCD", "CDAB", "BADC", "DCBA"];
type Wide = "int32" | "uint32" | "float32" | "float64";

/** Big-endian registers of a value, written independently of the codec. */
function bigEndianWords(type: Wide, value: number): number[] {
  const view = new DataView(new ArrayBuffer(type === "float64" ? 8 : 4));
  if (type === "int32") view.setInt32(0, value);
  else if (type === "uint32") view.setUint32(0, value);
  else if (type === "float32") view.setFloat32(0, value);
  else view.setFloat64(0, value);
  return Array.from({ length: view.byteLength / 2 }, (_, i) => view.getUint16(i * 2));
}

/** What a device with `order` puts on the wire for big-endian words. */
function reorder(words: number[], order: ByteOrder): number[] {
  const w = order === "CDAB" || order === "DCBA" ? [...words].reverse() : words;
  return order === "BADC" || order === "DCBA" ? w.map((x) => ((x & 0xff) << 8) | (x >> 8)) : w;
}

Deno.test("16-bit types: int16 is signed, uint16 is not, bool is nonzero", () => {
  assert.equal(decodeRegisters([0xffff], 0, "int16", "ABCD"), -1);
  assert.equal(decodeRegisters([0x8000], 0, "int16", "ABCD"), -32768);
  assert.equal(decodeRegisters([0x7fff], 0, "int16", "ABCD"), 32767);
  assert.equal(decodeRegisters([0xffff], 0, "uint16", "ABCD"), 65535);
  assert.equal(decodeRegisters([0x1234], 0, "uint16", "BADC"), 0x3412);
  assert.equal(decodeRegisters([0x00ff], 0, "int16", "DCBA"), -256);
  assert.equal(decodeRegisters([0, 0x0100], 1, "bool", "ABCD"), 1);
  assert.equal(decodeRegisters([0, 0x0100], 0, "bool", "ABCD"), 0);
});

Deno.test("float32 123.456 in all four orders", () => {
  const abcd = [0x42f6, 0xe979];
  assert.deepEqual(bigEndianWords("float32", 123.456), abcd, "the hand-built vector");
  const wire: Record<ByteOrder, number[]> = {
    ABCD: abcd,
    CDAB: [0xe979, 0x42f6],
    BADC: [0xf642, 0x79e9],
    DCBA: [0x79e9, 0xf642],
  };
  for (const order of ORDERS) {
    assert.equal(decodeRegisters(wire[order], 0, "float32", order), Math.fround(123.456), order);
  }
});

Deno.test("int32, uint32 and float64 known vectors in all four orders", () => {
  const cases: [Wide, number][] = [
    ["int32", -2], // 0xFFFF 0xFFFE
    ["int32", 0x12345678],
    ["uint32", 0xdeadbeef],
    ["float64", -1.5e300],
    ["float64", 0.1],
  ];
  for (const [type, value] of cases) {
    for (const order of ORDERS) {
      const words = [0xaaaa, ...reorder(bigEndianWords(type, value), order)];
      assert.equal(decodeRegisters(words, 1, type, order), value, `${type} ${value} ${order}`);
    }
  }
  assert.equal(decodeRegisters([0x5678, 0x1234], 0, "int32", "CDAB"), 0x12345678);
  assert.equal(decodeRegisters([0x7856, 0x3412], 0, "int32", "DCBA"), 0x12345678);
  assert.equal(decodeRegisters([0x3412, 0x7856], 0, "int32", "BADC"), 0x12345678);
});

Deno.test("property: encode → decode round trips every type in every order", () => {
  const value: Record<Wide | "int16" | "uint16", fc.Arbitrary<number>> = {
    int16: fc.integer({ min: -0x8000, max: 0x7fff }),
    uint16: fc.integer({ min: 0, max: 0xffff }),
    int32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    uint32: fc.integer({ min: 0, max: 0xffffffff }),
    float32: fc.float().map(Math.fround),
    float64: fc.double(),
  };
  const typed = fc.constantFrom(...(Object.keys(value) as (keyof typeof value)[]))
    .chain((type) => fc.tuple(fc.constant(type), value[type]));
  fc.assert(fc.property(typed, fc.constantFrom(...ORDERS), ([type, v], order) => {
    const words = type === "int16" || type === "uint16"
      ? reorder([v & 0xffff], order)
      : reorder(bigEndianWords(type, v), order);
    const decoded = decodeRegisters(words, 0, type, order);
    assert.ok(Object.is(decoded, v), `${type} ${order}: ${v} decoded as ${decoded}`);
  }));
});

Deno.test("decoding past the registers read throws RangeError", () => {
  assert.throws(() => decodeRegisters([1, 2], 1, "float32", "ABCD"), RangeError);
  assert.throws(() => decodeRegisters([1, 2, 3], 0, "float64", "ABCD"), RangeError);
  assert.throws(() => decodeRegisters([], 0, "uint16", "ABCD"), RangeError);
  assert.throws(() => decodeRegisters([1, 2], -1, "uint16", "ABCD"), RangeError);
  assert.throws(() => decodeRegisters([1, 2], 0.5, "uint16", "ABCD"), RangeError);
});

Deno.test("property: encodeValue → decodeRegisters round trips every type × order, strings too", () => {
  const arbs: [string, fc.Arbitrary<number | string>][] = [
    ["int16", fc.integer({ min: -0x8000, max: 0x7fff })],
    ["uint16", fc.integer({ min: 0, max: 0xffff })],
    ["int32", fc.integer({ min: -0x80000000, max: 0x7fffffff })],
    ["uint32", fc.integer({ min: 0, max: 0xffffffff })],
    ["int64", fc.maxSafeInteger()],
    ["uint64", fc.maxSafeNat()],
    ["float32", fc.float({ noNaN: true })],
    ["float64", fc.double({ noNaN: true })],
    [
      "string",
      fc.string({
        maxLength: 8,
        unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)),
      }),
    ],
  ];
  for (const [type, arb] of arbs) {
    for (const order of ["ABCD", "CDAB", "BADC", "DCBA"] as const) {
      fc.assert(fc.property(arb, (v) => {
        const words = encodeValue(v, type as TagType, order, 4);
        assert.ok(
          words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff),
          `${type} ${order}: ${words}`,
        );
        const back = decodeRegisters(words, 0, type as TagType, order, 4);
        assert.ok(Object.is(back, v) || back === v, `${type} ${order}: ${v} → ${words} → ${back}`);
      }));
    }
  }
});

Deno.test("encodeValue refuses what does not fit, naming the type", () => {
  assert.throws(() => encodeValue(70000, "int16", "ABCD"), /Cannot write 70000 to int16/);
  assert.throws(() => encodeValue(1.5, "uint32", "ABCD"), /whole numbers/);
  assert.throws(() => encodeValue(-1, "uint64", "ABCD"), /Cannot write -1 to uint64/);
  assert.throws(() => encodeValue("toolong!!", "string", "ABCD", 4), /longer than 8 characters/);
  assert.throws(() => encodeValue("x", "float32", "ABCD"), /not a number/);
});
