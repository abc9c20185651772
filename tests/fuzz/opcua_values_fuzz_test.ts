// OPC UA values of every kind a server may send for a tag, whatever type was declared: scalars of
// each built-in type, arrays and matrices, byte strings, dates valid or not, 64-bit words,
// localized text, anything → a sample value (number or text) and a quality; never a throw.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Buffer } from "node:buffer";
import { DataType, DataValue, StatusCodes, Variant, VariantArrayType } from "node-opcua";
import { readingOf, sampleValue } from "../../actors/opcua/values.ts";
import { runs } from "./runs.ts";

const TYPES = Object.values(DataType).filter((v): v is number => typeof v === "number");

const values = fc.oneof(
  fc.anything({
    withBigInt: true,
    withDate: true,
    withTypedArray: true,
    withMap: true,
    withSet: true,
  }),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 300_000 }),
  fc.bigInt64Array({ maxLength: 10 }),
  fc.tuple(fc.integer(), fc.integer()),
  fc.record({ text: fc.oneof(fc.string(), fc.constant(null)), locale: fc.string() }),
);

Deno.test("fuzz: any value of any declared type becomes a number or text; never a throw", () => {
  fc.assert(
    fc.property(fc.constantFrom(...TYPES), values, (type, value) => {
      const v = sampleValue(type, value);
      assert.ok(typeof v === "number" || typeof v === "string", `${typeof v}`);
    }),
    runs(5),
  );
});

const scalars: [DataType, fc.Arbitrary<unknown>][] = [
  [DataType.Boolean, fc.boolean()],
  [DataType.Double, fc.double()],
  [DataType.Float, fc.double({ min: -3e38, max: 3e38 })],
  [DataType.Int32, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })],
  [DataType.String, fc.string()],
  [DataType.DateTime, fc.date({ noInvalidDate: true })],
  [DataType.ByteString, fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b))],
];

Deno.test("fuzz: DataValues as a server sends them, scalars and arrays with any status → a reading", () => {
  fc.assert(
    fc.property(
      fc.nat({ max: scalars.length - 1 }).chain((i) =>
        fc.tuple(
          fc.constant(scalars[i][0]),
          fc.oneof(scalars[i][1], fc.array(scalars[i][1], { maxLength: 5 })),
        )
      ),
      fc.constantFrom(
        StatusCodes.Good,
        StatusCodes.UncertainLastUsableValue,
        StatusCodes.BadNodeIdUnknown,
      ),
      fc.option(fc.date({ noInvalidDate: false }), { nil: undefined }),
      fc.constantFrom("source", "server", "gateway") as fc.Arbitrary<
        "source" | "server" | "gateway"
      >,
      ([dataType, value], statusCode, sourceTimestamp, timestamp) => {
        const array = Array.isArray(value);
        const dv = new DataValue({
          value: new Variant({
            dataType,
            arrayType: array ? VariantArrayType.Array : VariantArrayType.Scalar,
            value,
          }),
          statusCode,
          sourceTimestamp: sourceTimestamp ?? null,
        });
        const r = readingOf(dv, timestamp, 1_700_000_000_000);
        assert.ok([0, 1, 2].includes(r.quality));
        assert.ok(Number.isFinite(r.ts), `time ${r.ts}`);
        assert.ok(typeof r.value === "number" || typeof r.value === "string");
        if (r.quality !== 0) assert.ok(r.reason, "a status other than good is the reason");
      },
    ),
    runs(5),
  );
});
