// DDATA payloads written into one buffer, one after another, are byte for byte the schema
// encoder's for the same samples (any alias, data type, time, value, quality, reason, historical
// flag), and protoc --decode_raw, a decoder no one here wrote, reads them by the specification's
// field numbers.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Quality } from "../../src/model/sample.ts";
import { DataType } from "./datatypes.ts";
import { DdataStream } from "./ddata.ts";
import { dataMetric, type MetricSample } from "./messages.ts";
import type { MetricDef } from "./node_metrics.ts";
import { encodePayload } from "./proto.ts";
import { decodeRaw, float64, messages, scalar } from "../../tests/helpers/protoc.ts";

const TYPES = Object.values(DataType).filter((t) => t !== DataType.Text);

const def = (alias: number, datatype: number): MetricDef => ({
  device: "d",
  name: `m${alias}`,
  path: `d/m${alias}`,
  alias,
  datatype: datatype as MetricDef["datatype"],
  tagType: "float64",
  writable: false,
});

const row = fc.record({
  alias: fc.oneof(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 2, max: 2 ** 40 })),
  datatype: fc.constantFrom(...TYPES),
  ts: fc.oneof(
    fc.integer({ min: 0, max: 2 ** 31 }),
    fc.integer({ min: 0, max: 2 ** 53 - 1 }),
    // Arrival times carry microseconds: the field takes the whole milliseconds.
    fc.double({ min: 0, max: 2 ** 53, noNaN: true }),
    fc.constantFrom(-1, -0.5, 2 ** 53, 2 ** 53 + 2, 1.5, 1_764_000_000_000.999),
    // Fractions just past a varint byte's limit (127, 16383, 2 ** 28 - 1) must not take a byte more.
    fc.constantFrom(127.00000000000001, 127.5, 16383.5, 2 ** 28 - 0.5),
  ),
  value: fc.oneof(
    fc.double(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
    fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }),
    fc.constantFrom(0, 1, -0, NaN, 2 ** 53, -(2 ** 63), Infinity),
  ),
  text: fc.option(fc.string(), { freq: 8 }),
  quality: fc.constantFrom(Quality.good, Quality.good, Quality.uncertain, Quality.bad),
  reason: fc.option(fc.string({ minLength: 1 }), { freq: 2 }),
  historical: fc.boolean(),
});
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;

/** A row as the drain hands it over; texts go to string types only (the tag's type). */
function sampleOf(r: Row): MetricSample {
  const value = r.datatype === DataType.String ? (r.text ?? null) : r.value;
  return { ts: r.ts, value, quality: r.quality, reason: r.reason };
}

/** The schema encoder's bytes for the rows. */
function expected(rows: Row[], timestamp: number, seq: number): Uint8Array {
  const metrics = rows.map((r) => dataMetric(def(r.alias, r.datatype), sampleOf(r), r.historical));
  return encodePayload({ timestamp, metrics, seq });
}

Deno.test("DDATA payloads written one after another are the schema encoder's bytes", () => {
  const payload = fc.record({
    rows: fc.array(row, { maxLength: 30 }),
    timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    seq: fc.integer({ min: 0, max: 255 }),
  });
  fc.assert(
    fc.property(fc.array(payload, { minLength: 1, maxLength: 4 }), fc.nat(300), (all, room) => {
      const stream = new DdataStream(room + 1);
      for (const { rows, timestamp, seq } of all) {
        const want = expected(rows, timestamp, seq);
        stream.open(timestamp);
        for (const r of rows) stream.sample(def(r.alias, r.datatype), sampleOf(r), r.historical);
        assert.equal(stream.count, rows.length);
        assert.deepEqual(new Uint8Array(stream.bytes(seq)), new Uint8Array(want));
      }
    }),
    { numRuns: 1500 },
  );
});

Deno.test("protoc reads DDATA written field by field by the specification's numbers", async () => {
  const stream = new DdataStream().open(1_700_000_000_000);
  const good = { ts: 1_700_000_000_123, value: -5, quality: Quality.good };
  stream.sample(def(7, DataType.Int16), good, false);
  stream.sample(def(8, DataType.Double), { ...good, value: 2.5 }, true);
  stream.sample(def(9, DataType.Boolean), { ...good, value: 1 }, false);
  const raw = await decodeRaw(stream.bytes(255));
  assert.equal(scalar(raw, 1), "1700000000000");
  assert.equal(scalar(raw, 3), "255");
  const [a, b, c] = messages(raw, 2);
  assert.equal(scalar(a, 2), "7");
  assert.equal(scalar(a, 3), "1700000000123");
  assert.equal(scalar(a, 10), String(-5 >>> 0));
  assert.equal(a.get(5), undefined);
  assert.equal(scalar(b, 5), "1");
  assert.equal(float64(scalar(b, 13)), 2.5);
  assert.equal(scalar(c, 14), "1");
});

Deno.test("a value its type cannot carry goes as none, bad, with the reason", async () => {
  const stream = new DdataStream().open(1_700_000_000_000);
  stream.sample(def(7, DataType.Int64), { ts: 1, value: Infinity, quality: Quality.good }, false);
  const [m] = messages(await decodeRaw(stream.bytes(0)), 2);
  assert.equal(scalar(m, 7), "1"); // is_null
  assert.equal(scalar(m, 4), String(DataType.Int64));
  const [props] = messages(m, 9);
  assert.deepEqual(props.get(1), ["Quality", "Reason"]);
  const [quality, reason] = messages(props, 2);
  assert.equal(scalar(quality, 3), "0");
  assert.match(scalar(reason, 8), /Infinity/);
});
