import assert from "node:assert/strict";
import fc from "fast-check";
import { samplePayload } from "./payload.ts";
import { safeUrl } from "../../src/runtime/kit.ts";

Deno.test("sample payload: value, ts, quality; unit and reason only when present", () => {
  assert.deepEqual(JSON.parse(samplePayload(21.5, 1700000000000, "good")), {
    value: 21.5,
    ts: 1700000000000,
    quality: "good",
  });
  assert.deepEqual(JSON.parse(samplePayload(null, 1, "bad", "degC", "timed out")), {
    value: null,
    ts: 1,
    quality: "bad",
    unit: "degC",
    reason: "timed out",
  });
  assert.equal(JSON.parse(samplePayload(true, 1, "good")).value, true);
});

Deno.test("sample payload: the same text as JSON.stringify of the object, for any value and text", () => {
  const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constant(""));
  fc.assert(fc.property(
    fc.oneof(fc.double(), fc.string({ unit: "grapheme" }), fc.boolean(), fc.constant(null)),
    fc.oneof(fc.integer(), fc.double()),
    fc.constantFrom("good", "bad", "uncertain"),
    fc.option(text, { nil: undefined }),
    fc.option(text, { nil: undefined }),
    (value, ts, quality, unit, reason) => {
      const body: Record<string, unknown> = { value, ts, quality };
      if (unit) body.unit = unit;
      if (reason) body.reason = reason;
      assert.equal(samplePayload(value, ts, quality, unit, reason), JSON.stringify(body));
    },
  ));
});

Deno.test("broker URLs lose their credentials before they are logged", () => {
  assert.equal(safeUrl("mqtts://user:s3cret@broker:8883"), "mqtts://***@broker:8883");
  assert.equal(safeUrl("mqtt://127.0.0.1:1883"), "mqtt://127.0.0.1:1883");
});
