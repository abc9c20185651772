import { defineDriver } from "../../src/runtime/kit.ts";
import type { ModbusDeviceConfig, ModbusSimulatorConfig } from "./config.ts";

/** Modbus TCP devices: poll groups, report by exception, writes. */
export default defineDriver({
  kind: "modbus",
  role: "device",
  config: async () => (await import("./config.ts")).modbusDevice,
  load: () => import("./actor.ts"),
  // A device costs a connection and a timer: 1,000 polling at 1 s take an eighth of a core in one
  // worker, and a second worker for them cost a quarter more CPU (BENCHMARKS.md).
  perWorker: 1000,
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
