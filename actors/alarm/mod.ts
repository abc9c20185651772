import { defineDriver } from "../../src/runtime/kit.ts";

/** Alarms: limits with hysteresis and delays, or conditions, on tags; their states as tags. */
export default defineDriver({
  kind: "alarm",
  role: "transform",
  config: async () => (await import("./config.ts")).alarmTransform,
  load: () => import("./actor.ts"),
  permissions: () => ({ net: [], read: [], write: [] }),
});
