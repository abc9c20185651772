import { defineDriver } from "../../src/runtime/kit.ts";

/** The embedded history: every sample in a SQLite file in the process, queried by the API. */
export default defineDriver({
  kind: "history",
  role: "sink",
  config: async () => (await import("./config.ts")).historySink,
  load: () => import("./actor.ts"),
});
