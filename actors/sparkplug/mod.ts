import { bufferDir, defineDriver, endpointOf, tlsFiles } from "../../src/runtime/kit.ts";
import type { SparkplugSinkConfig } from "./config.ts";

/** Sparkplug B out: the gateway as an edge node, its devices as Sparkplug devices. */
export default defineDriver({
  kind: "sparkplug",
  role: "sink",
  config: async () => (await import("./config.ts")).sparkplugSink,
  load: () => import("./actor.ts"),
  permissions: (c: SparkplugSinkConfig, id: string) => {
    const dir = bufferDir(id, c.buffer);
    return { net: [endpointOf(c.url)], read: [dir, ...tlsFiles(c.tls)], write: [dir] };
  },
});
