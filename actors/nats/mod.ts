import { bufferDir, defineDriver, natsEndpoints, tlsFiles } from "../../src/runtime/kit.ts";
import type { NatsSinkConfig } from "./config.ts";

/** NATS JetStream out: one message per device and time, deduplicated by id, from a disk buffer. */
export default defineDriver({
  kind: "nats",
  role: "sink",
  config: async () => (await import("./config.ts")).natsSink,
  load: () => import("./actor.ts"),
  permissions: (c: NatsSinkConfig, id: string) => {
    const dir = bufferDir(id, c.buffer);
    return { net: natsEndpoints(c.servers), read: [dir, ...tlsFiles(c.tls)], write: [dir] };
  },
});
