import assert from "node:assert/strict";
import fc from "fast-check";
import { DataType } from "node-opcua";
import { coerce, toWords } from "./coerce.ts";
import { fromWords } from "./values.ts";

Deno.test("64-bit integers survive [high, low] words both ways", () => {
  fc.assert(fc.property(fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), (n) => {
    const [high, low] = toWords(n);
    assert.equal(BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low)), n);
    if (n >= -(2n ** 53n) && n <= 2n ** 53n) assert.equal(fromWords([high, low], true), Number(n));
  }));
  assert.equal(fromWords(toWords(2n ** 64n - 1n), false), 2 ** 64);
});

Deno.test("integers in range pass, anything else is refused with the reason", () => {
  const ranges = {
    SByte: [-128, 127],
    Byte: [0, 255],
    Int16: [-32768, 32767],
    UInt16: [0, 65535],
    Int32: [-(2 ** 31), 2 ** 31 - 1],
    UInt32: [0, 2 ** 32 - 1],
  } as const;
  for (const [type, [min, max]] of Object.entries(ranges)) {
    const t = type as keyof typeof ranges;
    assert.deepEqual(coerce(min, t), { ok: true, dataType: DataType[t], value: min });
    assert.deepEqual(coerce(max, t), { ok: true, dataType: DataType[t], value: max });
    assert.equal(coerce(max + 1, t).ok, false, `${type} above`);
    assert.equal(coerce(min - 1, t).ok, false, `${type} below`);
    assert.equal(coerce(1.5, t).ok, false, `${type} fraction`);
    assert.equal(coerce("1", t).ok, false, `${type} text`);
  }
});

Deno.test("booleans, 64-bit text, floats, strings and times", () => {
  assert.deepEqual(coerce(1, "Boolean"), { ok: true, dataType: DataType.Boolean, value: true });
  assert.deepEqual(coerce("on", "Boolean"), {
    ok: false,
    reason: 'expected true or false, got "on"',
  });
  assert.deepEqual(coerce("18446744073709551615", "UInt64"), {
    ok: true,
    dataType: DataType.UInt64,
    value: [0xffffffff, 0xffffffff],
  });
  assert.equal(coerce("18446744073709551616", "UInt64").ok, false);
  assert.equal(coerce(2 ** 60, "Int64").ok, false, "an unsafe number is ambiguous: use text");
  assert.equal(coerce(1e39, "Float").ok, false);
  assert.equal(coerce(1e39, "Double").ok, true);
  assert.equal(coerce(NaN, "Double").ok, false);
  assert.equal(coerce(5, "String").ok, false);
  const t = coerce("2026-11-25T12:00:00Z", "DateTime");
  assert.ok(t.ok && (t.value as Date).getTime() === Date.UTC(2026, 10, 25, 12));
  assert.equal(coerce("tomorrow", "DateTime").ok, false);
});
