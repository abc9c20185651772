import assert from "node:assert/strict";
import { modbusTag } from "../src/config/modbus.ts";
import { engineeringValue } from "./modbus.ts";

const tag = (t: Record<string, unknown>) =>
  modbusTag.parse({ name: "t", address: "1!40001", ...t });

Deno.test("engineering values: scale and offset without binary noise", () => {
  assert.equal(engineeringValue(409, tag({ scale: 0.1 })), 40.9);
  assert.equal(engineeringValue(459, tag({ scale: 0.16 })), 73.44);
  assert.equal(engineeringValue(100, tag({ scale: 0.5, offset: -10 })), 40);
  assert.equal(engineeringValue(-3, tag({ type: "int16" })), -3);
  assert.equal(engineeringValue(Math.fround(7.3274), tag({ type: "float32" })), 7.3274);
  assert.equal(engineeringValue(1, tag({ type: "bool", scale: 5 })), 1, "bools are not scaled");
  assert.equal(
    engineeringValue(123456789, tag({ type: "uint32" })),
    123456789,
    "integers stay exact",
  );
});
