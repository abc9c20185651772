import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeKept, encodeKept } from "./record.ts";

Deno.test("kept messages round trip: topics, arrival times and payload bytes as they came", () => {
  fc.assert(fc.property(
    fc.array(
      fc.record({
        topic: fc.string({ maxLength: 40 }),
        payload: fc.uint8Array({ maxLength: 300 }),
        at: fc.double({ noNaN: true }),
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
