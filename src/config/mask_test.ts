import assert from "node:assert/strict";
import { maskSecrets } from "./mask.ts";

Deno.test("secrets are masked: env values by their reference, secret fields and tokens as ***", () => {
  const config = {
    api: { port: 8080, tokens: { ops: "s3cret-token", empty: "" } },
    sinks: {
      broker: { url: "mqtt://broker:1883", username: "edge", password: "pw-from-env" },
      pg: { url: "postgres://db/x", db_password: "literal" },
    },
    devices: { press: { host: "10.0.0.5", tags: [{ name: "token", address: 1 }] } },
  };
  const masked = maskSecrets(config, new Map([["MQTT_PASSWORD", "pw-from-env"], ["UNSET", ""]]));
  assert.deepEqual(masked, {
    api: { port: 8080, tokens: { ops: "***", empty: "" } },
    sinks: {
      broker: { url: "mqtt://broker:1883", username: "edge", password: "${MQTT_PASSWORD}" },
      pg: { url: "postgres://db/x", db_password: "***" },
    },
    devices: { press: { host: "10.0.0.5", tags: [{ name: "token", address: 1 }] } },
  });
  assert.equal(config.sinks.broker.password, "pw-from-env", "the config itself is untouched");
});
