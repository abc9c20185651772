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
    // TLS files named in the URL (sslrootcert, sslcert, sslkey) are read by the client.
    const params = new URL(c.url).searchParams;
    const tls = ["sslrootcert", "sslcert", "sslkey"].flatMap((k) => params.get(k) ?? []);
    return { net: [endpointOf(c.url)], read: [dir, ...tls], write: [dir] };
  },
});
