import { defineDriver } from "../../src/runtime/kit.ts";

/** TimescaleDB or PostgreSQL: batched COPY into a narrow or wide table. */
export default defineDriver({
  kind: "timescaledb",
  role: "sink",
  config: async () => (await import("./config.ts")).timescaledbSink,
  load: () => import("./actor.ts"),
});
