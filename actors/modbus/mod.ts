import { defineDriver } from "../../src/runtime/kit.ts";
import type { ModbusDeviceConfig, ModbusSimulatorConfig } from "./config.ts";

/** Modbus TCP devices: poll groups, report by exception, writes. */
export default defineDriver({
  kind: "modbus",
  role: "device",
  config: async () => (await import("./config.ts")).modbusDevice,
  load: () => import("./actor.ts"),
  permissions: (c: ModbusDeviceConfig) => ({ net: [`${c.host}:${c.port}`], read: [], write: [] }),
  simulator: {
    config: async () => (await import("./config.ts")).modbusSimulator,
    load: () => import("./sim_actor.ts"),
    permissions: (c: ModbusSimulatorConfig) => ({
      net: [`${c.host}:${c.port}`],
      read: [],
      write: [],
    }),
  },
});
