import { defineDriver } from "../../src/runtime/kit.ts";

/** OEE of a machine from its run state and part counters, per shift and over the last hour. */
export default defineDriver({
  kind: "oee",
  role: "transform",
  config: async () => (await import("./config.ts")).oeeTransform,
  load: () => import("./actor.ts"),
  permissions: () => ({ net: [], read: [], write: [] }),
});
