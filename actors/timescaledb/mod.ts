import { bufferDir, defineDriver, endpointOf } from "../../src/runtime/kit.ts";
import type { TimescaledbSinkConfig } from "./config.ts";

/** TimescaleDB or PostgreSQL: batched COPY into a narrow or wide table. */
export default defineDriver({
  kind: "timescaledb",
  role: "sink",
  config: async () => (await import("./config.ts")).timescaledbSink,
  load: () => import("./actor.ts"),
  permissions: (c: TimescaledbSinkConfig, id: string) => {
    const dir = bufferDir(id, c.buffer);
    return { net: [endpointOf(c.url)], read: [dir], write: [dir] };
  },
});
