import type { Driver } from "../src/runtime/kit.ts";

/**
 * Every driver, one line each: its folder's definition. The config schema, config.schema.json,
 * the workers and the API all take the kinds from here.
 */
export const drivers: readonly Driver[] = [
  (await import("./modbus/mod.ts")).default,
  (await import("./mqtt_source/mod.ts")).default,
  (await import("./nats_source/mod.ts")).default,
  (await import("./opcua/mod.ts")).default,
  (await import("./mqtt/mod.ts")).default,
  (await import("./sparkplug/mod.ts")).default,
  (await import("./timescaledb/mod.ts")).default,
  (await import("./influxdb/mod.ts")).default,
  (await import("./nats/mod.ts")).default,
  (await import("./history/mod.ts")).default,
  (await import("./expression/mod.ts")).default,
  (await import("./window/mod.ts")).default,
  (await import("./alarm/mod.ts")).default,
  (await import("./filter/mod.ts")).default,
  (await import("./oee/mod.ts")).default,
  (await import("./anomaly/mod.ts")).default,
];
