import assert from "node:assert/strict";
import { BatchBuilder } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import type { ActorContext } from "../src/runtime/actor.ts";
import { TagCatalog } from "../src/runtime/frames.ts";
import { batchRows } from "./buffered_sink.ts";

function ctxWith(...names: string[]): ActorContext {
  const tags = new TagCatalog();
  tags.add({
    type: "tags",
    source: 3,
    first: 0,
    tags: names.map((name) => ({
      name,
      device: "press",
      path: `plant/press/${name}`,
      type: "float64",
      writable: false,
    })),
  });
  return { tags } as unknown as ActorContext;
}

Deno.test("a batch becomes rows named by path: numbers, text, no value when bad, reasons", () => {
  const b = new BatchBuilder(3, 4);
  b.push(0, 1000, 71.5, Quality.good);
  b.pushText(1, 1000, "auto", Quality.good);
  b.push(0, 2000, NaN, Quality.bad, "timed out");
  b.push(2, 3000, 1, Quality.uncertain, "clamped");
  assert.deepEqual(batchRows(b.build(), ctxWith("temp", "mode", "on")), [
    ["plant/press/temp", 1000, 71.5, null, 0, null],
    ["plant/press/mode", 1000, null, "auto", 0, null],
    ["plant/press/temp", 2000, null, null, 2, "timed out"],
    ["plant/press/on", 3000, 1, null, 1, "clamped"],
  ]);
});

Deno.test("a row of a tag never registered is an error naming it", () => {
  const b = new BatchBuilder(3, 1);
  b.push(5, 1000, 1, Quality.good);
  assert.throws(
    () => batchRows(b.build(), ctxWith("temp")),
    /tag 5 of source 3 was never registered/,
  );
});
