import assert from "node:assert/strict";
import type { TagMeta } from "../model/tag.ts";
import { TagTable } from "./tag_table.ts";

const tag = (name: string, extra: Partial<TagMeta> = {}): TagMeta => ({
  name,
  device: "press1",
  path: `plant/line1/press1/${name}`,
  type: "uint16",
  writable: false,
  ...extra,
});

Deno.test("a tag table gives back each registered tag as it came, by source and index", () => {
  const table = new TagTable();
  const tags = [
    tag("speed", { unit: "rpm" }),
    tag("mode", { writable: true, type: "string", group: "fast" }),
    tag("odd", { path: "elsewhere/odd" }),
    tag("ab", { path: "plant/line1/press1/cd" }), // the prefix and a name as long, not its own
    tag("alarms/temp", { device: "plant", path: "plant/line1/press1/alarms/temp" }),
  ];
  table.add({ type: "tags", source: 1, first: 0, tags });
  table.add({ type: "tags", source: 2, first: 0, tags: [tag("other", { device: "press2" })] });
  assert.deepEqual(table.of(1), tags.map((t, i) => [i, t]));
  assert.deepEqual(table.get(2, 0), tag("other", { device: "press2" }));
  assert.equal(table.get(1, tags.length), undefined);
  assert.equal(table.get(3, 0), undefined);
  assert.deepEqual(table.of(3), []);
});

Deno.test("a later frame adds from its first index or overwrites; a forgotten source is gone", () => {
  const table = new TagTable();
  table.add({ type: "tags", source: 1, first: 0, tags: [tag("a"), tag("b", { unit: "bar" })] });
  table.add({ type: "tags", source: 1, first: 3, tags: [tag("d")] });
  table.add({ type: "tags", source: 1, first: 1, tags: [tag("b", { path: "moved/b" })] });
  assert.deepEqual(table.of(1), [
    [0, tag("a")],
    [1, tag("b", { path: "moved/b" })],
    [3, tag("d")],
  ]);
  table.add({ type: "tags", source: 1, first: 1, tags: [tag("b")] });
  assert.deepEqual(table.get(1, 1), tag("b"), "back on the prefix, without the old unit");
  table.forget(1);
  assert.deepEqual(table.of(1), []);
});
