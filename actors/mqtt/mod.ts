import { defineDriver, endpointOf, tlsFiles } from "../../src/runtime/kit.ts";
import type { MqttSinkConfig } from "./config.ts";

/** MQTT out: every sample as JSON under its UNS topic. */
export default defineDriver({
  kind: "mqtt",
  role: "sink",
  joinsSources: true,
  config: async () => (await import("./config.ts")).mqttSink,
  load: () => import("./actor.ts"),
  permissions: (c: MqttSinkConfig) => ({
    net: [endpointOf(c.url)],
    read: tlsFiles(c.tls),
    write: [],
  }),
});
