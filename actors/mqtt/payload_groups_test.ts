import assert from "node:assert/strict";
import { BatchBuilder } from "../../src/model/batch.ts";
import { Quality } from "../../src/model/sample.ts";
import type { TagMeta } from "../../src/model/tag.ts";
import { TagCatalog } from "../../src/runtime/kit.ts";
import { groupTopic, messages } from "./payload.ts";

const meta = (name: string, group: string, type: TagMeta["type"] = "int16"): TagMeta => ({
  name,
  device: "demo",
  path: `acme/plant/demo/${name}`,
  type,
  writable: false,
  group,
});

function fixture() {
  const tags = new TagCatalog();
  tags.add({
    type: "tags",
    source: 3,
    first: 0,
    tags: [
      meta("temperature", "demo_group"),
      meta("humidity", "demo_group"),
      meta("door", "slow", "bool"),
    ],
  });
  const b = new BatchBuilder(3, 4);
  b.push(0, 1000, 296, Quality.good);
  b.push(1, 1000, NaN, Quality.bad, "timed out");
  b.push(2, 1000, 1, Quality.uncertain, "stale");
  b.push(0, 2000, 297, Quality.good);
  return { tags, batch: b.build() };
}

const opts = {
  topic_prefix: "",
  group_topic: "/neuron/demo_app/{device}/{group}",
  gateway: "edge",
};

Deno.test("per-group messages: one per device, group and poll, with values and errors by name", () => {
  const { tags, batch } = fixture();
  const out = messages(batch, tags, { ...opts, format: "group" });
  assert.deepEqual(out.map((m) => [m.topic, JSON.parse(m.payload)]), [
    ["/neuron/demo_app/demo/demo_group", {
      timestamp: 1000,
      node: "demo",
      group: "demo_group",
      values: { temperature: 296 },
      errors: { humidity: "timed out" },
    }],
    ["/neuron/demo_app/demo/slow", {
      timestamp: 1000,
      node: "demo",
      group: "slow",
      values: { door: true },
      uncertain: { door: "stale" },
    }],
    ["/neuron/demo_app/demo/demo_group", {
      timestamp: 2000,
      node: "demo",
      group: "demo_group",
      values: { temperature: 297 },
    }],
  ]);
});

Deno.test("per-tag messages: one per sample on prefix + UNS path", () => {
  const { tags, batch } = fixture();
  const out = messages(batch, tags, { ...opts, format: "tag", topic_prefix: "p/" });
  assert.equal(out.length, 4);
  assert.equal(out[0].topic, "p/acme/plant/demo/temperature");
  assert.deepEqual(JSON.parse(out[1].payload), {
    value: null,
    ts: 1000,
    quality: "bad",
    reason: "timed out",
  });
  assert.equal(JSON.parse(out[2].payload).value, true, "bools as JSON booleans");
});

Deno.test("group topic placeholders", () => {
  assert.equal(
    groupTopic("{gateway}/{device_path}/{group}", "gw", meta("t", "g"), "g"),
    "gw/acme/plant/demo/g",
  );
});

Deno.test("an unregistered tag is an error naming it", () => {
  const b = new BatchBuilder(9, 1);
  b.push(0, 1, 1, Quality.good);
  assert.throws(
    () => messages(b.build(), new TagCatalog(), { ...opts, format: "tag" }),
    /tag 0 of source 9 was never registered/,
  );
});
