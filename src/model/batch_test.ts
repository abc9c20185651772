import assert from "node:assert/strict";
import fc from "fast-check";
import { BatchBuilder, cloneBatch, columns, rows, transferList } from "./batch.ts";
import { Quality, type QualityCode, type Sample } from "./sample.ts";
import { unsPath } from "./tag.ts";

Deno.test("builder → columns and rows round trip numbers, NaN, text and reasons", () => {
  const b = new BatchBuilder(7, 4);
  b.push(0, 1000, 21.5, Quality.good);
  b.push(1, 1001, NaN, Quality.bad, "timed_out");
  b.pushText(2, 1002, "RUNNING", Quality.uncertain);
  b.push(3, 1003, -3, Quality.good);
  const batch = b.build();
  assert.equal(batch.source, 7);
  assert.equal(batch.count, 4);
  const c = columns(batch);
  assert.deepEqual([...c.tag], [0, 1, 2, 3]);
  assert.deepEqual([...c.ts], [1000, 1001, 1002, 1003]);
  assert.deepEqual([...c.quality], [0, 2, 1, 0]);
  assert.deepEqual(batch.text, [[2, "RUNNING"]]);
  assert.deepEqual(batch.reasons, [[1, "timed_out"]]);
  assert.deepEqual([...rows(batch)], [
    { tag: 0, ts: 1000, value: 21.5, quality: "good" },
    { tag: 1, ts: 1001, value: null, quality: "bad", reason: "timed_out" },
    { tag: 2, ts: 1002, value: "RUNNING", quality: "uncertain" },
    { tag: 3, ts: 1003, value: -3, quality: "good" },
  ]);
});

Deno.test("build() hands over the buffer and starts an empty batch", () => {
  const b = new BatchBuilder(1, 2);
  b.pushText(0, 1, "x", Quality.good, "why");
  const first = b.build();
  assert.equal(b.count, 0);
  assert.equal(b.full, false);
  const second = b.build();
  assert.equal(second.count, 0);
  assert.equal(second.text, undefined);
  assert.equal(second.reasons, undefined);
  assert.notEqual(second.buf, first.buf);
  assert.equal(first.count, 1, "the first batch is untouched");
});

Deno.test("a full builder throws RangeError; capacity must be a positive integer", () => {
  const b = new BatchBuilder(1, 2);
  b.push(0, 1, 1, Quality.good);
  b.push(1, 1, 2, Quality.good);
  assert.equal(b.full, true);
  assert.throws(() => b.push(2, 1, 3, Quality.good), RangeError);
  assert.throws(() => b.pushText(2, 1, "t", Quality.good), RangeError);
  assert.equal(b.build().text, undefined, "a refused pushText leaves no text behind");
  assert.throws(() => new BatchBuilder(1, 0), RangeError);
  assert.throws(() => new BatchBuilder(1, 1.5), RangeError);
});

Deno.test("cloneBatch is independent of the original", () => {
  const b = new BatchBuilder(1, 2);
  b.pushText(0, 10, "a", Quality.good, "r");
  const original = b.build();
  const copy = cloneBatch(original);
  columns(copy).value[0] = 99;
  copy.text![0][1] = "changed";
  copy.reasons![0][1] = "changed";
  assert.ok(Number.isNaN(columns(original).value[0]));
  assert.deepEqual(original.text, [[0, "a"]]);
  assert.deepEqual(original.reasons, [[0, "r"]]);
  columns(original).tag[0] = 5;
  assert.equal(columns(copy).tag[0], 0);
  assert.notEqual(copy.buf, original.buf);
});

Deno.test("transferList hands over large buffers and lets small ones be copied", () => {
  const small = new BatchBuilder(1, 2).build();
  assert.deepEqual(transferList(small), [], "42 bytes: cheaper to copy");
  const large = new BatchBuilder(1, 100).build();
  assert.deepEqual(transferList(large), [large.buf], "2100 bytes: transferred");
});

const sampleArb = fc.record({
  tag: fc.nat({ max: 0xffffffff }),
  ts: fc.double({ noNaN: true }),
  value: fc.oneof(fc.double({ noNaN: true }), fc.constant(null), fc.string()),
  quality: fc.constantFrom("good", "uncertain", "bad") as fc.Arbitrary<Sample["quality"]>,
  reason: fc.option(fc.string(), { nil: undefined }),
});

Deno.test("property: any samples pushed come back identical via rows()", () => {
  fc.assert(fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 50 }), (samples) => {
    const b = new BatchBuilder(3, samples.length);
    for (const s of samples) {
      const q = Quality[s.quality] as QualityCode;
      if (typeof s.value === "string") b.pushText(s.tag, s.ts, s.value, q, s.reason);
      else b.push(s.tag, s.ts, s.value ?? NaN, q, s.reason);
    }
    const expected = samples.map(({ reason, ...s }) => reason === undefined ? s : { ...s, reason });
    assert.deepEqual([...rows(b.build())], expected);
  }));
});

Deno.test("unsPath skips empty levels and strips slashes", () => {
  assert.equal(
    unsPath({ enterprise: "acme", site: "plant1", area: "", line: "/l1/" }, "dev", "temp"),
    "acme/plant1/l1/dev/temp",
  );
  assert.equal(unsPath({}, "dev", "temp"), "dev/temp");
  assert.equal(unsPath({ cell: "c1//" }, "//dev", "temp/"), "c1/dev/temp");
});

Deno.test("a built batch's views are its own: reused in its thread, rebuilt after a copy or a message", async () => {
  const b = new BatchBuilder(3, 4);
  b.push(0, 10, 1.5, Quality.good);
  b.push(1, 11, 2.5, Quality.bad, "gone");
  const batch = b.build();
  assert.equal(columns(batch), columns(batch), "the builder's views, no new ones");
  const copy = cloneBatch(batch);
  columns(copy).value[0] = 99;
  assert.equal(columns(copy).ts.buffer, copy.buf);
  assert.equal(columns(batch).value[0], 1.5, "a copy's views write to the copy's buffer");
  const { port1, port2 } = new MessageChannel();
  const got = new Promise<typeof batch>((resolve) => port2.onmessage = (e) => resolve(e.data));
  port1.postMessage(batch);
  const received = await got;
  port1.close(), port2.close();
  assert.deepEqual(Object.getOwnPropertySymbols(received), []);
  assert.deepEqual([...rows(received)].map((r) => [r.tag, r.value, r.reason]), [
    [0, 1.5, undefined],
    [1, 2.5, "gone"],
  ]);
});
