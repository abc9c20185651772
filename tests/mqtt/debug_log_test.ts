import assert from "node:assert/strict";
import mqtt from "mqtt";
import { noDebugLog } from "../../src/runtime/kit.ts";

// The MQTT clients pass `log: noDebugLog` to skip mqtt.js's per-packet debug logging; this holds
// only while mqtt.js calls the `log` option instead of its own logger.
Deno.test("mqtt.js calls the log option it is given on every packet, so noDebugLog replaces its debug logger", async () => {
  let calls = 0;
  const client = await mqtt.connectAsync("mqtt://127.0.0.1:1883", {
    clientId: `tagflow-log-test-${crypto.randomUUID()}`,
    log: () => calls++,
  });
  try {
    const before = calls;
    await client.publishAsync("tagflow/test/log", "x", { qos: 1 });
    assert.ok(calls > before, "publishing a message went through the log option");
  } finally {
    await client.endAsync();
  }
  assert.equal(noDebugLog(), undefined);
});
