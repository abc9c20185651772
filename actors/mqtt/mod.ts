import { defineDriver } from "../../src/runtime/kit.ts";

/** MQTT out: every sample as JSON under its UNS topic. */
export default defineDriver({
  kind: "mqtt",
  role: "sink",
  config: async () => (await import("./config.ts")).mqttSink,
  load: () => import("./actor.ts"),
});
