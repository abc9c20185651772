import { bufferDir, defineDriver, natsEndpoints, tlsFiles } from "../../src/runtime/kit.ts";
import type { NatsSourceConfig } from "./config.ts";

/** NATS JetStream in: a durable pull consumer, messages mapped to tags and buffered on disk. */
export default defineDriver({
  kind: "nats",
  role: "device",
  config: async () => (await import("./config.ts")).natsSource,
  load: () => import("./actor.ts"),
  permissions: (c: NatsSourceConfig, id: string) => {
    const dir = bufferDir(id, c.buffer);
    return { net: natsEndpoints(c.servers), read: [dir, ...tlsFiles(c.tls)], write: [dir] };
  },
});
