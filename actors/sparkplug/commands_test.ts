import assert from "node:assert/strict";
import { TagCatalog } from "../../src/runtime/kit.ts";
import { asksRebirth, dcmdWrites } from "./commands.ts";
import { DataType, setValue } from "./datatypes.ts";
import { NodeMetrics } from "./node_metrics.ts";
import type { Metric } from "./proto.ts";

function node(): NodeMetrics {
  const catalog = new TagCatalog();
  catalog.add({
    type: "tags",
    source: 1,
    first: 0,
    tags: [
      { name: "light", device: "press", path: "a/press/light", type: "bool", writable: true },
      { name: "speed", device: "press", path: "a/press/speed", type: "int16", writable: true },
      { name: "count", device: "press", path: "a/press/count", type: "uint64", writable: true },
    ],
  });
  const metrics = new NodeMetrics(catalog);
  metrics.refresh();
  return metrics;
}

const m = (
  name: string | undefined,
  type: number,
  value?: number | boolean | bigint,
  alias?: number,
) => {
  const metric: Metric = { datatype: type };
  if (name !== undefined) metric.name = name;
  if (alias !== undefined) metric.alias = alias;
  if (value !== undefined) setValue(metric, type, value);
  return metric;
};

Deno.test("DCMD writes: by name or alias, values by the tag's type; misfits marked invalid", () => {
  const metrics = node();
  const writes = dcmdWrites("press", {
    metrics: [
      m("light", DataType.Boolean, true),
      m(undefined, DataType.Int16, -5, metrics.find("press", { name: "speed" })!.alias),
      m("count", DataType.UInt64, 2n ** 60n),
      m("count", DataType.UInt64, 2n ** 60n + 1n),
      m("nope", DataType.Boolean, true),
      m(undefined, DataType.Boolean, true, 999),
      m("light", DataType.Int32, 0),
      m("speed", DataType.Int16),
    ],
  }, metrics);
  assert.deepEqual(writes, [
    { tag: "light", value: true },
    { tag: "speed", value: -5 },
    { tag: "count", value: 2 ** 60 },
    {
      tag: "count",
      value: String(2n ** 60n + 1n),
      invalid: `${2n ** 60n + 1n} does not fit a uint64 tag`,
    },
    { tag: "nope", value: null },
    { tag: "alias 999", value: null },
    { tag: "light", value: 0, invalid: "a Sparkplug Int32 value for a Boolean metric" },
    { tag: "speed", value: null, invalid: "a Sparkplug Int16 metric without a value" },
  ]);
});

Deno.test("NCMD: rebirth by name or by alias 1, only when true", () => {
  assert.equal(asksRebirth({ metrics: [m("Node Control/Rebirth", DataType.Boolean, true)] }), true);
  assert.equal(asksRebirth({ metrics: [m(undefined, DataType.Boolean, true, 1)] }), true);
  assert.equal(
    asksRebirth({ metrics: [m("Node Control/Rebirth", DataType.Boolean, false)] }),
    false,
  );
  assert.equal(asksRebirth({ metrics: [m("Node Control/Reboot", DataType.Boolean, true)] }), false);
});
