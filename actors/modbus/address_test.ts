import assert from "node:assert/strict";
import fc from "fast-check";
import { type ModbusArea, parseModbusAddress } from "./address.ts";

Deno.test("parses Neuron/Kepware numbering into 0-based addresses", () => {
  const cases: [string, number, number, ModbusArea, number][] = [
    ["1!40001", 9, 1, "holding", 0],
    ["40001", 5, 5, "holding", 0],
    ["2!30010", 1, 2, "input", 9],
    ["00001", 1, 1, "coil", 0],
    ["10001", 1, 1, "discrete", 0],
    ["400001", 1, 1, "holding", 0],
    ["465536", 1, 1, "holding", 65535],
    ["3!09999", 1, 3, "coil", 9998],
  ];
  for (const [text, defaultUnit, unit, area, address] of cases) {
    assert.deepEqual(parseModbusAddress(text, defaultUnit), { unit, area, address }, text);
  }
});

Deno.test("malformed or out-of-range addresses return an error message naming the text", () => {
  for (const text of ["40001x", "50001", "1!40000", "256!40001", "49999x", "465537", "4001", ""]) {
    const result = parseModbusAddress(text, 1);
    assert.equal(typeof result, "string", `${text} should be rejected`);
    assert.ok((result as string).includes(`"${text}"`), `${result} names "${text}"`);
  }
  assert.match(parseModbusAddress("1!40000", 1) as string, /out of range 1–9999/);
  assert.match(parseModbusAddress("256!40001", 1) as string, /unit id 256/);
});

Deno.test("property: formatting then parsing round-trips every area and offset 1..9999", () => {
  const areas = { "0": "coil", "1": "discrete", "3": "input", "4": "holding" } as const;
  const digits = Object.entries(areas) as [string, ModbusArea][];
  fc.assert(fc.property(
    fc.constantFrom(...digits),
    fc.integer({ min: 1, max: 9999 }),
    fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    fc.integer({ min: 0, max: 255 }),
    ([digit, area], offset, unit, defaultUnit) => {
      const prefix = unit === undefined ? "" : `${unit}!`;
      const text = `${prefix}${digit}${String(offset).padStart(4, "0")}`;
      assert.deepEqual(parseModbusAddress(text, defaultUnit), {
        unit: unit ?? defaultUnit,
        area,
        address: offset - 1,
      });
    },
  ));
});
