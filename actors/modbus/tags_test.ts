import assert from "node:assert/strict";
import { modbusDevice, modbusTag } from "./config.ts";
import { Quality } from "../../src/model/sample.ts";
import { engineeringValue, rawValue, resolveTag, tagMeta } from "./tags.ts";

const tag = (t: Record<string, unknown>) =>
  modbusTag.parse({ name: "t", address: "1!40001", ...t });

Deno.test("engineering values: scale and offset without binary noise", () => {
  assert.equal(engineeringValue(409, tag({ scale: 0.1 })).value, 40.9);
  assert.equal(engineeringValue(459, tag({ scale: 0.16 })).value, 73.44);
  assert.equal(engineeringValue(100, tag({ scale: 0.5, offset: -10 })).value, 40);
  assert.equal(engineeringValue(Math.fround(7.3274), tag({ type: "float32" })).value, 7.3274);
  assert.equal(
    engineeringValue(1, tag({ type: "bool", scale: 5 })).value,
    1,
    "bools are not scaled",
  );
  assert.equal(engineeringValue(123456789, tag({ type: "uint32" })).value, 123456789);
  assert.equal(engineeringValue("AB", tag({ type: "string", length: 1 })).value, "AB");
});

Deno.test("range: outside is uncertain with the reason; clamp pins the value", () => {
  const r = { range: { min: 0, max: 100 } };
  assert.deepEqual(engineeringValue(50, tag(r)), { value: 50, quality: Quality.good });
  assert.deepEqual(engineeringValue(120, tag(r)), {
    value: 120,
    quality: Quality.uncertain,
    reason: "120 out of range [0, 100]",
  });
  assert.deepEqual(engineeringValue(-5, tag({ ...r, clamp: true })), {
    value: 0,
    quality: Quality.uncertain,
    reason: "clamped to range [0, 100]",
  });
});

Deno.test("raw value for a write inverts scale and offset; integers are rounded", () => {
  assert.equal(rawValue(40.9, tag({ scale: 0.1 })), 409);
  assert.equal(rawValue(73.44, tag({ scale: 0.16, type: "int16" })), 459);
  assert.equal(rawValue(40, tag({ scale: 0.5, offset: -10 })), 100);
  assert.equal(rawValue(1.25, tag({ type: "float32", scale: 0.5 })), 2.5);
});

Deno.test("resolveTag: unit, area, bit, span, order, group and UNS path", () => {
  const dev = modbusDevice.parse({
    kind: "modbus",
    host: "h",
    unit_id: 3,
    byte_order: "CDAB",
    uns: { enterprise: "e", site: "s" },
    groups: { fast: { interval_ms: 100 } },
    tags: [
      { name: "a", address: "40010.3", type: "bool" },
      { name: "b", address: "2!30001", type: "float64", order: "ABCD", group: "fast" },
      { name: "c", address: { area: "holding", address: 7 }, type: "string", length: 4 },
    ],
  });
  const [a, b, c] = dev.tags.map((t, i) => resolveTag(dev, t, i, "press"));
  assert.deepEqual([a.unit, a.area, a.address, a.bit, a.count], [3, "holding", 9, 3, 1]);
  assert.equal(a.order, "CDAB");
  assert.equal(a.group, "default");
  assert.deepEqual([b.index, b.unit, b.area, b.address, b.count, b.bit], [
    1,
    2,
    "input",
    0,
    4,
    undefined,
  ]);
  assert.equal(b.order, "ABCD");
  assert.equal(b.group, "fast");
  const meta = tagMeta(dev.tags[1], "press", dev.uns ?? {});
  assert.deepEqual(meta, {
    name: "b",
    device: "press",
    path: "e/s/press/b",
    type: "float64",
    writable: false,
    group: "fast",
  });
  assert.equal(c.count, 4);
  assert.equal(c.unit, 3);
});
