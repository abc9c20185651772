import { dirname } from "node:path";
import { bufferDir, defineDriver } from "../../src/runtime/kit.ts";
import type { HistorySinkConfig } from "./config.ts";

/** The embedded history: every sample in a SQLite file in the process, queried by the API. */
export default defineDriver({
  kind: "history",
  role: "sink",
  config: async () => (await import("./config.ts")).historySink,
  load: () => import("./actor.ts"),
  // The SQLite file with its -wal and -shm files, and the buffer.
  permissions: (c: HistorySinkConfig, id: string) => {
    const paths = [c.file, `${c.file}-wal`, `${c.file}-shm`, bufferDir(id, c.buffer)];
    return { net: [], read: paths, write: paths, dirs: [dirname(c.file)] };
  },
});
