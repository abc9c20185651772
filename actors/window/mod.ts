import { defineDriver } from "../../src/runtime/kit.ts";

/** Tumbling and hopping windows: aggregates of tags over wall-clock-aligned periods. */
export default defineDriver({
  kind: "window",
  role: "transform",
  config: async () => (await import("./config.ts")).windowTransform,
  load: () => import("./actor.ts"),
  permissions: () => ({ net: [], read: [], write: [] }),
});
