import assert from "node:assert/strict";
import { TagCatalog } from "../frames.ts";
import { derivedTag, refMatches, TagInputs } from "./tag_inputs.ts";
import type { TagMeta } from "../../model/tag.ts";

const tag = (device: string, name: string, unit?: string): TagMeta => ({
  name,
  device,
  path: `plant/${device}/${name}`,
  type: "float64",
  writable: false,
  ...(unit ? { unit } : {}),
});

Deno.test("tag inputs: named tags and a device's wildcard, found as frames come, numbered once", () => {
  const catalog = new TagCatalog();
  const found: [number, string, number][] = [];
  const inputs = new TagInputs(
    ["demo/temperature", "press/*"],
    (i, m, r) => found.push([i, m.name, r]),
  );
  catalog.add({
    type: "tags",
    source: 3,
    first: 0,
    tags: [tag("demo", "humidity"), tag("demo", "temperature")],
  });
  inputs.learn(catalog);
  catalog.add({
    type: "tags",
    source: 5,
    first: 0,
    tags: [tag("press", "speed"), tag("press", "count")],
  });
  inputs.learn(catalog);
  inputs.learn(catalog);
  assert.deepEqual(found, [[0, "temperature", 0], [1, "speed", 1], [2, "count", 1]]);
  assert.equal(inputs.inputOf(3, 1), 0);
  assert.equal(inputs.inputOf(3, 0), undefined, "humidity is not an input");
  assert.equal(inputs.inputOf(5, 1), 2);
  assert.equal(inputs.feeds(4), false);
  assert.ok(refMatches("demo/*", tag("demo", "x")) && !refMatches("demo/*", tag("demox", "x")));
});

Deno.test("derived tag: next to its input, with its unit where it is a number", () => {
  assert.deepEqual(derivedTag(tag("demo", "temperature", "degC"), "mean_10s", "float64"), {
    name: "temperature/mean_10s",
    device: "demo",
    path: "plant/demo/temperature/mean_10s",
    type: "float64",
    writable: false,
    unit: "degC",
  });
  assert.equal(derivedTag(tag("demo", "t", "degC"), "alarm", "string").unit, undefined);
});
