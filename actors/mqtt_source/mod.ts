import { bufferDir, defineDriver, endpointOf, tlsFiles } from "../../src/runtime/kit.ts";
import type { MqttSourceConfig } from "./config.ts";

/** MQTT messages in: topics and JSON payloads mapped to tags, buffered on disk. */
export default defineDriver({
  kind: "mqtt",
  role: "device",
  config: async () => (await import("./config.ts")).mqttSource,
  load: () => import("./actor.ts"),
  permissions: (c: MqttSourceConfig, id: string) => {
    const dir = bufferDir(id, c.buffer);
    return { net: [endpointOf(c.url)], read: [dir, ...tlsFiles(c.tls)], write: [dir] };
  },
});
