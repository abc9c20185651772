import { defineDriver } from "../../src/runtime/kit.ts";

/** Derived tags: expressions over tags of one or several devices. */
export default defineDriver({
  kind: "expression",
  role: "transform",
  config: async () => (await import("./config.ts")).expressionTransform,
  load: () => import("./actor.ts"),
  permissions: () => ({ net: [], read: [], write: [] }),
});
