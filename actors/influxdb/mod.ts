import { bufferDir, defineDriver, endpointOf } from "../../src/runtime/kit.ts";
import type { InfluxdbSinkConfig } from "./config.ts";

/** InfluxDB 1.x, 2.x/3.x or VictoriaMetrics: line protocol in batches. */
export default defineDriver({
  kind: "influxdb",
  role: "sink",
  config: async () => (await import("./config.ts")).influxdbSink,
  load: () => import("./actor.ts"),
  permissions: (c: InfluxdbSinkConfig, id: string) => {
    const dir = bufferDir(id, c.buffer);
    return {
      net: [endpointOf(c.url)],
      read: [dir, ...(c.ca_file ? [c.ca_file] : [])],
      write: [dir],
    };
  },
});
