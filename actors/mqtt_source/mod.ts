import { defineDriver } from "../../src/runtime/kit.ts";

/** MQTT messages in: topics and JSON payloads mapped to tags, buffered on disk. */
export default defineDriver({
  kind: "mqtt",
  role: "device",
  config: async () => (await import("./config.ts")).mqttSource,
  load: () => import("./actor.ts"),
});
