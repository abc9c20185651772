import assert from "node:assert/strict";
import { messageMapping } from "../../../model/ingest.ts";
import { mapMessage } from "./map.ts";

const enc = new TextEncoder();
const cfg = (mapping: Record<string, unknown> = {}) => ({
  mapping: messageMapping().parse(mapping),
});
const map = (topic: string, payload: string, mapping: Record<string, unknown> = {}) =>
  mapMessage(topic, enc.encode(payload), cfg(mapping), "src", 1000);

Deno.test("multi-value payloads: the object's fields are tags; device from a topic level", () => {
  assert.deepEqual(
    map(
      "/neuron/demo_app/demo/demo_group",
      '{"temperature":296,"humidity":709,"on":true,"mode":"auto"}',
      { device: { topic_level: 3 } },
    ),
    {
      device: "demo",
      ts: 1000,
      tags: ["temperature", "humidity", "on", "mode"],
      values: [296, 709, 1, "auto"],
      bools: [2],
    },
  );
});

Deno.test("Neuron's group JSON, timestamps in ms, s and ISO, single values with the tag from the topic", () => {
  const neuron = map(
    "/neuron/a/b/c",
    '{"timestamp":1700000000123,"node":"press1","group":"g","values":{"t":1}}',
    {
      device_path: "node",
      values_path: "values",
      timestamp_path: "timestamp",
    },
  );
  assert.deepEqual(neuron, { device: "press1", ts: 1700000000123, tags: ["t"], values: [1] });
  assert.deepEqual(
    map("x", '{"t":1,"at":1700000000}', { timestamp_path: "at", timestamp_format: "s" }),
    { device: "src", ts: 1700000000000, tags: ["t"], values: [1] },
    "the time field is not a value",
  );
  assert.equal(
    map("x", '{"t":1,"at":"2026-01-01T00:00:00Z"}', {
      timestamp_path: "at",
      timestamp_format: "iso",
    }).ts,
    Date.parse("2026-01-01T00:00:00Z"),
  );
  assert.deepEqual(
    map("plant/line1/press2/temperature", '{"value":71.5}', {
      device: { topic_level: 2 },
      tag: { topic_level: 3 },
    }),
    { device: "press2", ts: 1000, tags: ["temperature"], values: [71.5] },
  );
});

Deno.test("bad messages say what is wrong", () => {
  const bad = (topic: string, payload: string, mapping: Record<string, unknown>, why: RegExp) =>
    assert.throws(() => map(topic, payload, mapping), why);
  bad("x", "not json", {}, /not JSON/);
  bad("x", "\xff\xfe", {}, /not JSON/);
  bad("x", "[1,2]", {}, /payload: expected an object of tag → value/);
  bad("x", '{"values":3}', { values_path: "values" }, /field values: expected an object/);
  bad("x", '{"t":null}', {}, /field t: expected a number, string or boolean, got null/);
  bad("x", '{"t":[1]}', {}, /field t: expected a number/);
  bad("x", "{}", {}, /no values/);
  bad(
    "x",
    '{"t":1,"at":"soon"}',
    { timestamp_path: "at" },
    /field at: expected a ms timestamp, got "soon"/,
  );
  bad("a/b", '{"value":1}', { tag: { topic_level: 5 } }, /topic a\/b has no usable tag at level 5/);
  bad("x", '{"bad name!":1}', {}, /tag name "bad name!"/);
});
