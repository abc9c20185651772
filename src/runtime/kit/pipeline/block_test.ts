import assert from "node:assert/strict";
import { BatchBuilder } from "../../../model/batch.ts";
import { Quality } from "../../../model/sample.ts";
import { TagCatalog } from "../../frames.ts";
import { blockOf, decodeBlock, encodeBlock, type Row, Rows, rowsOf } from "./block.ts";

function catalog(...names: string[]): TagCatalog {
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
  return tags;
}

const expected: Row[] = [
  ["plant/press/temp", 1000, 71.5, null, 0, null],
  ["plant/press/mode", 1000, null, "auto", 0, null],
  ["plant/press/temp", 2000, null, null, 2, "timed out"],
  ["plant/press/on", 3000, 1, null, 1, "clamped"],
];

function sample() {
  const b = new BatchBuilder(3, 4);
  b.push(0, 1000, 71.5, Quality.good);
  b.pushText(1, 1000, "auto", Quality.good);
  b.push(0, 2000, NaN, Quality.bad, "timed out");
  b.push(2, 3000, 1, Quality.uncertain, "clamped");
  return b.build();
}

Deno.test("a batch goes into the buffer as columns and comes back as rows named by path", () => {
  const tags = catalog("temp", "mode", "on");
  const { record, block: made } = encodeBlock(sample(), tags);
  const block = decodeBlock(record);
  assert.deepEqual(block.paths, ["plant/press/temp", "plant/press/mode", "plant/press/on"]);
  assert.deepEqual(rowsOf(block), expected);
  assert.deepEqual(rowsOf(made), expected, "the block made with the record reads the same");
  assert.deepEqual(
    rowsOf(encodeBlock(sample(), tags).block),
    expected,
    "and again (scratch reused)",
  );
  // A record read back at an offset typed arrays cannot start at is copied, not misread.
  const shifted = new Uint8Array(record.length + 3);
  shifted.set(record, 3);
  assert.deepEqual(rowsOf(decodeBlock(shifted.subarray(3))), expected);
});

Deno.test("records of the older form (JSON rows) still read; rows and blocks convert both ways", () => {
  const older = new TextEncoder().encode(JSON.stringify(expected));
  assert.deepEqual(rowsOf(decodeBlock(older)), expected);
  assert.deepEqual(rowsOf(blockOf(expected)), expected);
});

Deno.test("a write's rows: made once from its blocks, sliced for halving", () => {
  const rows = new Rows([blockOf(expected.slice(0, 2)), blockOf(expected.slice(2))]);
  assert.equal(rows.length, 4);
  assert.equal(rows.all(), rows.all(), "made once");
  assert.deepEqual(rows.all(), expected);
  assert.deepEqual(rows.slice(1, 3).all(), expected.slice(1, 3));
  assert.equal(rows.slice(2).blocks[0].count, 2);
});

Deno.test("a row of a tag never registered is an error naming it", () => {
  const b = new BatchBuilder(3, 1);
  b.push(5, 1000, 1, Quality.good);
  assert.throws(
    () => encodeBlock(b.build(), catalog("temp")),
    /tag 5 of source 3 was never registered/,
  );
});
