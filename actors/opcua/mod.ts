import { defineDriver, endpointOf } from "../../src/runtime/kit.ts";
import type { OpcuaDeviceConfig, OpcuaSimulatorConfig } from "./config.ts";

/** node-opcua reads files of its own packages (address space definitions, package.json). */
const NODESETS = new URL("../../node_modules/", import.meta.url).pathname;

/** OPC UA devices: subscriptions or polling, security, writes. */
export default defineDriver({
  kind: "opcua",
  role: "device",
  config: async () => (await import("./config.ts")).opcuaDevice,
  load: () => import("./actor.ts"),
  // Each worker loads node-opcua (about 100 MB): servers share one, 50 sessions at most.
  perWorker: 50,
  // The PKI: its own certificate and the trust lists; the host name goes into the certificate.
  permissions: (c: OpcuaDeviceConfig) => ({
    net: [endpointOf(c.endpoint)],
    read: [
      c.pki_dir,
      ...c.trusted_certificates,
      ...(c.auth.type === "certificate" ? [c.auth.certificate, c.auth.private_key] : []),
      NODESETS,
    ],
    write: [c.pki_dir],
    sys: true,
  }),
  simulator: {
    config: async () => (await import("./config.ts")).opcuaSimulator,
    load: () => import("./sim_actor.ts"),
    permissions: (c: OpcuaSimulatorConfig, id: string) => {
      const pki = c.pki_dir ?? `data/pki/sim-${id}`;
      return { net: [`${c.host}:${c.port}`], read: [pki, NODESETS], write: [pki], sys: true };
    },
  },
});
