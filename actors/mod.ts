import type { ActorRegistry } from "../src/runtime/actor.ts";

/** Every actor kind, loaded on first use in the worker that hosts it. */
export const registry: ActorRegistry = {
  modbus: () => import("./modbus.ts"),
  modbus_sim: () => import("./modbus_sim.ts"),
  influxdb: () => import("./influxdb.ts"),
  mqtt: () => import("./mqtt.ts"),
  mqtt_source: () => import("./mqtt_source.ts"),
  opcua: () => import("./opcua.ts"),
  opcua_sim: () => import("./opcua_sim.ts"),
  timescaledb: () => import("./timescaledb.ts"),
};
