// Hostile MQTT payloads for the source's mapping: any bytes, any JSON, under each way of mapping
// → samples of numbers and strings, or a refusal with a reason (dead-lettered); never anything else.
import assert from "node:assert/strict";
import fc from "fast-check";
import { mqttSource } from "../../actors/mqtt_source/config.ts";
import { mapMessage } from "../../src/runtime/kit/ingest/map.ts";
import { runs } from "./runs.ts";

const enc = new TextEncoder();
const MAPPINGS = [
  {},
  { device: { topic_level: 1 }, timestamp_path: "ts", timestamp_format: "ms" },
  { tag: { topic_level: 2 }, value_path: "v.x", timestamp_path: "t", timestamp_format: "iso" },
  {
    values_path: "values",
    device_path: "meta.device",
    timestamp_path: "ts",
    timestamp_format: "s",
  },
].map((mapping) =>
  mqttSource.parse({ kind: "mqtt", url: "mqtt://x", subscriptions: [{ topic: "#" }], mapping })
);

const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.jsonValue().map((v) => enc.encode(JSON.stringify(v))),
  fc.record({ ts: fc.oneof(fc.double(), fc.string(), fc.constant(null)), values: fc.jsonValue() })
    .map((v) => enc.encode(JSON.stringify(v))),
);
const topics = fc.array(fc.string({ maxLength: 8 }), { minLength: 0, maxLength: 5 }).map((l) =>
  l.join("/")
);

Deno.test("fuzz: any payload maps to numbers and strings or is refused with a reason", () => {
  fc.assert(
    fc.property(topics, payloads, fc.nat({ max: MAPPINGS.length - 1 }), (topic, payload, m) => {
      let mapped;
      try {
        mapped = mapMessage(topic, payload, MAPPINGS[m], "src", 1_700_000_000_000);
      } catch (err) {
        assert.ok(err instanceof Error, `threw ${typeof err}`);
        assert.ok(err.message.length > 0, "a refusal says why");
        return;
      }
      assert.equal(mapped.tags.length, mapped.values.length);
      for (const v of mapped.values) {
        assert.ok(typeof v === "string" || (typeof v === "number"), `value ${JSON.stringify(v)}`);
      }
      assert.ok(Number.isFinite(mapped.ts), `time ${mapped.ts}`);
      assert.ok(typeof mapped.device === "string" && mapped.device.length > 0);
    }),
    runs(10),
  );
});
