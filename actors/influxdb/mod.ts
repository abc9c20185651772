import { defineDriver } from "../../src/runtime/kit.ts";

/** InfluxDB 1.x, 2.x/3.x or VictoriaMetrics: line protocol in batches. */
export default defineDriver({
  kind: "influxdb",
  role: "sink",
  config: async () => (await import("./config.ts")).influxdbSink,
  load: () => import("./actor.ts"),
});
