import { defineDriver } from "../../src/runtime/kit.ts";

/** Anomaly scores of tags (EWMA z-score or rolling median/MAD) and a flag above a threshold. */
export default defineDriver({
  kind: "anomaly",
  role: "transform",
  config: async () => (await import("./config.ts")).anomalyTransform,
  load: () => import("./actor.ts"),
  permissions: () => ({ net: [], read: [], write: [] }),
});
