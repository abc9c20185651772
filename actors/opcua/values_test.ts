import assert from "node:assert/strict";
import { DataType, DataValue, StatusCodes, Variant } from "node-opcua";
import { readingOf, sampleValue, statusQuality, tagTypeOf } from "./values.ts";

Deno.test("status codes map to quality by severity, with the status name as the reason", () => {
  assert.deepEqual(statusQuality(StatusCodes.Good), { quality: 0 });
  assert.deepEqual(statusQuality(StatusCodes.UncertainLastUsableValue), {
    quality: 1,
    reason: "UncertainLastUsableValue",
  });
  assert.deepEqual(statusQuality(StatusCodes.BadNodeIdUnknown), {
    quality: 2,
    reason: "BadNodeIdUnknown",
  });
});

Deno.test("timestamps: source, else server, else arrival; bad values carry no value", () => {
  const source = new Date("2026-11-25T10:00:00Z"), server = new Date("2026-11-25T10:00:01Z");
  const value = new Variant({ dataType: DataType.Double, value: 1.5 });
  const both = new DataValue({ value, sourceTimestamp: source, serverTimestamp: server });
  assert.equal(readingOf(both, "source", 7).ts, source.getTime());
  assert.equal(readingOf(both, "server", 7).ts, server.getTime());
  assert.equal(readingOf(both, "gateway", 7).ts, 7);
  assert.equal(
    readingOf(new DataValue({ value, serverTimestamp: server }), "source", 7).ts,
    server.getTime(),
  );
  assert.equal(readingOf(new DataValue({ value }), "source", 7).ts, 7);
  const bad = readingOf(
    new DataValue({ value, statusCode: StatusCodes.BadSensorFailure, sourceTimestamp: source }),
    "source",
    7,
  );
  assert.ok(Number.isNaN(bad.value));
  assert.equal(bad.reason, "BadSensorFailure");
  const uncertain = readingOf(
    new DataValue({ value, statusCode: StatusCodes.UncertainSensorNotAccurate }),
    "source",
    7,
  );
  assert.equal(uncertain.value, 1.5, "an uncertain value is kept");
});

Deno.test("values: booleans 0/1, 64-bit words, times as ISO text, text kinds", () => {
  assert.equal(sampleValue(DataType.Boolean, true), 1);
  assert.equal(sampleValue(DataType.Int64, [0xffffffff, 0xfffffffe]), -2);
  assert.equal(sampleValue(DataType.UInt64, [1, 0]), 2 ** 32);
  assert.equal(sampleValue(DataType.DateTime, new Date(0)), "1970-01-01T00:00:00.000Z");
  assert.equal(sampleValue(DataType.LocalizedText, { text: "hello", locale: "en" }), "hello");
  assert.equal(sampleValue(DataType.Double, new Float64Array([1, 2])), "[1,2]");
  assert.ok(Number.isNaN(sampleValue(DataType.Double, null) as number));
  assert.equal(tagTypeOf("SByte"), "int16");
  assert.equal(tagTypeOf("DateTime"), "string");
  assert.equal(tagTypeOf(undefined), "float64");
});
