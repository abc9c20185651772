// Every scalar data type through the encoder, read back by protoc --decode_raw (an independent
// decoder) by the field numbers of the specification, and by this node's own decoder: the traps
// of the reference JavaScript library (negative 8/16/32/64-bit integers, UInt64 past 2^53) hold.
import assert from "node:assert/strict";
import { DataType, type MetricValue, setValue, valueOf } from "./datatypes.ts";
import { decodePayload, encodePayload, type Metric } from "./proto.ts";
import { decodeRaw, float32, float64, messages, scalar } from "../../tests/helpers/protoc.ts";

/** Field numbers of a Metric (Sparkplug B specification). */
const F = {
  name: 1,
  datatype: 4,
  is_null: 7,
  int: 10,
  long: 11,
  float: 12,
  double: 13,
  bool: 14,
  string: 15,
};

const CASES: {
  type: number;
  value: MetricValue;
  field: number;
  raw: string;
  back?: MetricValue;
}[] = [
  { type: DataType.Int8, value: -128, field: F.int, raw: "4294967168" },
  { type: DataType.Int8, value: 127, field: F.int, raw: "127" },
  { type: DataType.Int16, value: -32768, field: F.int, raw: "4294934528" },
  { type: DataType.Int32, value: -2147483648, field: F.int, raw: "2147483648" },
  { type: DataType.Int32, value: -1, field: F.int, raw: "4294967295" },
  { type: DataType.UInt8, value: 255, field: F.int, raw: "255" },
  { type: DataType.UInt16, value: 65535, field: F.int, raw: "65535" },
  { type: DataType.UInt32, value: 4294967295, field: F.int, raw: "4294967295" },
  { type: DataType.Int64, value: -1, field: F.long, raw: "18446744073709551615" },
  {
    type: DataType.Int64,
    value: -9007199254740991,
    field: F.long,
    raw: "18437736874454810625",
  },
  {
    type: DataType.Int64,
    value: -(2n ** 63n),
    field: F.long,
    raw: "9223372036854775808",
  },
  {
    type: DataType.UInt64,
    value: 18446744073709549568, // 2^64 - 2048: a double, exact, far beyond 2^53
    field: F.long,
    raw: "18446744073709549568",
    back: 18446744073709549568n,
  },
  {
    type: DataType.UInt64,
    value: 2n ** 64n - 1n,
    field: F.long,
    raw: "18446744073709551615",
  },
  { type: DataType.UInt64, value: 9007199254740993n, field: F.long, raw: "9007199254740993" },
  { type: DataType.DateTime, value: 1764720000123, field: F.long, raw: "1764720000123" },
  { type: DataType.Float, value: 1.5, field: F.float, raw: "0x3fc00000" },
  { type: DataType.Double, value: -0.1, field: F.double, raw: "0xbfb999999999999a" },
  { type: DataType.Boolean, value: true, field: F.bool, raw: "1" },
  { type: DataType.Boolean, value: false, field: F.bool, raw: "0" },
  { type: DataType.String, value: 'héllo "q"\n', field: F.string, raw: 'héllo "q"\n' },
  { type: DataType.Text, value: "", field: F.string, raw: "" },
];

Deno.test("sparkplug datatypes: every type's value in its field, read back by protoc and by us", async () => {
  const metrics = CASES.map((c, i) => {
    const m: Metric = { name: `m${i}`, datatype: c.type };
    setValue(m, c.type, c.value);
    return m;
  });
  const bytes = encodePayload({ timestamp: 1, metrics, seq: 0 });
  const raw = messages(await decodeRaw(bytes), 2);
  const ours = decodePayload(bytes).metrics;
  CASES.forEach((c, i) => {
    const what = `${c.type} ${String(c.value)}`;
    assert.equal(scalar(raw[i], F.name), `m${i}`);
    assert.equal(scalar(raw[i], F.datatype), String(c.type), what);
    assert.equal(scalar(raw[i], c.field), c.raw, `${what}: field ${c.field}`);
    const others = [...raw[i].keys()].filter((k) => k >= 10 && k !== c.field);
    assert.deepEqual(others, [], `${what}: no other value field`);
    assert.deepEqual(valueOf(ours[i], c.type), c.back ?? c.value, `${what}: decoded`);
  });
  assert.equal(
    float32(scalar(raw[CASES.findIndex((c) => c.type === DataType.Float)], F.float)),
    1.5,
  );
  assert.equal(
    float64(scalar(raw[CASES.findIndex((c) => c.type === DataType.Double)], F.double)),
    -0.1,
  );
});

Deno.test("sparkplug datatypes: a null value is is_null with no value field", async () => {
  const bytes = encodePayload({
    metrics: [{ alias: 3, datatype: DataType.Double, is_null: true }],
  });
  const [m] = messages(await decodeRaw(bytes), 2);
  assert.equal(scalar(m, F.is_null), "1");
  assert.deepEqual([...m.keys()].sort((a, b) => a - b), [2, 4, 7]);
  assert.equal(valueOf(decodePayload(bytes).metrics[0], DataType.Double), undefined);
});

Deno.test("sparkplug datatypes: a UInt32 in long_value (older encoders) still reads", () => {
  const m: Metric = { datatype: DataType.UInt32 };
  setValue(m, DataType.UInt64, 4000000000);
  assert.equal(
    valueOf(decodePayload(encodePayload({ metrics: [m] })).metrics[0], DataType.UInt32),
    4000000000,
  );
});
