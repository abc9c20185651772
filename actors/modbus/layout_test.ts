import assert from "node:assert/strict";
import { modbusDevice } from "./config.ts";
import { layoutOf } from "./layout.ts";
import { Interner } from "../../src/model/intern.ts";

const device = (port: number, unit_id = 1) =>
  modbusDevice.parse({
    kind: "modbus",
    host: "127.0.0.1",
    port,
    unit_id,
    groups: { fast: { interval_ms: 100 } },
    tags: [
      { name: "a", address: "40001", type: "uint16" },
      { name: "b", address: "40002", type: "float32", group: "fast" },
      { name: "c", address: "40004", type: "int16" },
    ],
  });

Deno.test("layout: tags resolved and each group's reads planned", () => {
  const layout = layoutOf(device(502), "press");
  const wire = layout.tags.map((t) => [t.index, t.address, t.count]);
  assert.deepEqual(wire, [[0, 0, 1], [1, 1, 2], [2, 3, 1]]);
  assert.deepEqual([...layout.groups.keys()], ["default", "fast"]);
  const def = layout.groups.get("default")!;
  assert.deepEqual(def.members.map((t) => t.cfg.name), ["a", "c"]);
  assert.deepEqual(def.requests.map((r) => [r.start, r.length, r.tags.length]), [[0, 4, 2]]);
  assert.deepEqual(layout.groups.get("fast")!.requests.map((r) => [r.start, r.length]), [[1, 2]]);
});

Deno.test("layout: devices of one template share it; another unit or an own list does not", () => {
  const strings = new Interner();
  const [a, b, c] = [device(502), device(503), device(504, 2)];
  for (const d of [a, b, c]) strings.shareTags(d);
  assert.equal(b.tags, a.tags, "the interner shared the list");
  assert.equal(layoutOf(b, "b"), layoutOf(a, "a"));
  assert.notEqual(layoutOf(c, "c"), layoutOf(a, "a"), "unit 2 resolves to other addresses");
  assert.equal(layoutOf(c, "c").tags[0].unit, 2);
  const own = device(505);
  assert.notEqual(layoutOf(own, "own"), layoutOf(own, "own"), "an unshared list is planned anew");
  assert.deepEqual(layoutOf(own, "own").tags, layoutOf(a, "a").tags);
});
