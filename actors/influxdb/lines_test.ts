import assert from "node:assert/strict";
import { influxdbSink } from "./config.ts";
import { blockOf, type Row } from "../../src/runtime/kit.ts";
import { stamp, toLineProtocol } from "./lines.ts";

const cfg = (extra = {}) =>
  influxdbSink.parse({ kind: "influxdb", url: "http://x", api: "v1", database: "d", ...extra });
const body = (blocks: Parameters<typeof toLineProtocol>[0], c = cfg()) =>
  new TextDecoder().decode(toLineProtocol(blocks, c));
const lines = (rows: Row[], c = cfg()) => body([blockOf(rows)], c).split("\n");

Deno.test("one point per device and time, a field per tag; bad samples have no value to store", () => {
  const rows: Row[] = [
    ["plant/line 1/press/temp", 1000, 71.5, null, 0, null],
    ["plant/line 1/press/mode", 1000, null, 'auto "B"', 0, null],
    ["plant/line 1/press/temp", 2000, NaN, null, 2, "timed out"],
    ["plant/line 1/press/temp", 3000, 72, null, 1, "clamped"],
  ];
  assert.deepEqual(lines(rows), [
    // The default precision is µs.
    'press,device=press,uns=plant/line\\ 1 temp=71.5,mode="auto \\"B\\"" 1000000',
    "press,device=press,uns=plant/line\\ 1 temp=72 3000000",
    "",
  ]);
});

Deno.test("templates, no UNS tag, the raw measurement, and precisions", () => {
  const rows: Row[] = [["a/dev/t1", 1500, 1, null, 0, null]];
  const c = cfg({
    measurement: "m_{tag}",
    field: "{device}_{tag}",
    uns_tags: false,
    raw_measurement: "raw",
    precision: "s",
  });
  assert.deepEqual(lines(rows, c), [
    'raw,device=dev,tag=t1 raw="{\\"path\\":\\"a/dev/t1\\",\\"ts\\":1500,\\"value\\":1,\\"quality\\":\\"good\\",\\"reason\\":null}" 1',
    "m_t1,device=dev dev_t1=1 1",
    "",
  ]);
  assert.deepEqual(["ms", "s", "us", "ns"].map((p) => stamp(1500.4, p as "ms")), [
    "1500",
    "1",
    "1500400",
    "1500400000",
  ]);
});

Deno.test("two devices measured at the same time stay two points; blocks continue a point", () => {
  const c = cfg({ measurement: "compressor", uns_tags: false });
  const lp = body([
    blockOf([
      ["plant/c1/temp", 1000, 70, null, 0, null],
      ["plant/c2/temp", 1000, 68, null, 0, null],
    ]),
    blockOf([["plant/c2/rpm", 1000, 1500, null, 0, null]]),
  ], c);
  assert.equal(
    lp,
    "compressor,device=c1 temp=70 1000000\ncompressor,device=c2 temp=68,rpm=1500 1000000\n",
  );
  assert.equal(
    body([blockOf([["p/d/t", 1, NaN, null, 2, "x"]])], c),
    "",
    "nothing to write",
  );
});

Deno.test("a value line protocol cannot hold rejects the write, naming the tag", () => {
  assert.throws(
    () => lines([["plant/c1/temp", 1000, Infinity, null, 0, null]]),
    (e: Error & { status?: number }) =>
      e.status === 400 && /plant\/c1\/temp: Infinity/.test(e.message),
  );
});
