import { defineDriver } from "../../src/runtime/kit.ts";

/** Modbus TCP devices: poll groups, report by exception, writes. */
export default defineDriver({
  kind: "modbus",
  role: "device",
  config: async () => (await import("./config.ts")).modbusDevice,
  load: () => import("./actor.ts"),
  simulator: {
    config: async () => (await import("./config.ts")).modbusSimulator,
    load: () => import("./sim_actor.ts"),
  },
});
