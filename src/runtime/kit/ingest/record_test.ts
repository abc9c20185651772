import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeKept, encodeKept } from "./record.ts";

Deno.test("kept messages round trip: topics, arrival times, payload bytes and ids as they came", () => {
  fc.assert(fc.property(
    fc.array(
      fc.record({
        topic: fc.string({ maxLength: 40 }),
        payload: fc.uint8Array({ maxLength: 300 }),
        at: fc.double({ noNaN: true }),
        client: fc.integer({ min: 0, max: 15 }),
        packetId: fc.integer({ min: 0, max: 65535 }),
      }),
      { minLength: 1, maxLength: 20 },
    ),
    (messages) => {
      const back = decodeKept(encodeKept(messages))!;
      assert.deepEqual(
        back.map((m) => ({ ...m, payload: [...m.payload] })),
        messages.map((m) => ({ ...m, payload: [...m.payload] })),
      );
    },
  ));
});

Deno.test("a record of the older form (JSON of mapped values) is told apart", () => {
  const older = new TextEncoder().encode(JSON.stringify([{ device: "d", tag: "t", ts: 1 }]));
  assert.equal(decodeKept(older), undefined);
});

Deno.test("a record written before packet identifiers were kept still reads", () => {
  // Version 1: per message topic (u32 length, bytes), arrival (f64), payload (u32 length, bytes).
  const topic = new TextEncoder().encode("a/b");
  const bytes = new Uint8Array(1 + 4 + topic.length + 8 + 4 + 2);
  const view = new DataView(bytes.buffer);
  bytes[0] = 1;
  view.setUint32(1, topic.length);
  bytes.set(topic, 5);
  view.setFloat64(5 + topic.length, 42.5);
  view.setUint32(13 + topic.length, 2);
  bytes.set([7, 8], 17 + topic.length);
  const [m] = decodeKept(bytes)!;
  assert.deepEqual([m.topic, m.at, [...m.payload], m.packetId], ["a/b", 42.5, [7, 8], undefined]);
});
