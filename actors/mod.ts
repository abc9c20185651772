import type { ActorRegistry } from "../src/runtime/actor.ts";

/** Every actor kind, loaded on first use in the worker that hosts it. */
export const registry: ActorRegistry = {
  modbus: () => import("./modbus/actor.ts"),
  modbus_sim: () => import("./modbus/sim_actor.ts"),
  influxdb: () => import("./influxdb/actor.ts"),
  mqtt: () => import("./mqtt/actor.ts"),
  mqtt_source: () => import("./mqtt_source/actor.ts"),
  opcua: () => import("./opcua/actor.ts"),
  opcua_sim: () => import("./opcua/sim_actor.ts"),
  timescaledb: () => import("./timescaledb/actor.ts"),
};
