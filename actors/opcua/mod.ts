import { defineDriver } from "../../src/runtime/kit.ts";

/** OPC UA devices: subscriptions or polling, security, writes. */
export default defineDriver({
  kind: "opcua",
  role: "device",
  config: async () => (await import("./config.ts")).opcuaDevice,
  load: () => import("./actor.ts"),
  simulator: {
    config: async () => (await import("./config.ts")).opcuaSimulator,
    load: () => import("./sim_actor.ts"),
  },
});
