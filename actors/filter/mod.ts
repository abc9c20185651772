import { defineDriver } from "../../src/runtime/kit.ts";

/** Filters: range gate, rate-of-change limit, report by exception or swinging-door compression. */
export default defineDriver({
  kind: "filter",
  role: "transform",
  config: async () => (await import("./config.ts")).filterTransform,
  load: () => import("./actor.ts"),
  permissions: () => ({ net: [], read: [], write: [] }),
});
