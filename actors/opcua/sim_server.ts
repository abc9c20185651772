import {
  DataType,
  type EUInformation,
  makeEUInformation,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  standardUnits,
  type StatusCode,
  StatusCodes,
  Variant,
  VariantArrayType,
} from "node-opcua";
import { join } from "node:path";
import { compressor2, type SimVariable, typeBench } from "./sim_profile.ts";

/** Options of one simulated OPC UA server. */
export interface OpcuaSimOptions {
  host?: string;
  port: number;
  /** Folder of the server's own PKI (certificate created on first start); `server/` and `users/` below it. */
  pkiDir: string;
  /** Username → password, accepted besides anonymous sessions. */
  users?: Record<string, string>;
  /** How often the compressor's values change. */
  tickMs?: number;
  /** Extra Double variables `ns=1;s=Load.V00000`…, each changing every tick (load scenarios). */
  loadVariables?: number;
  seed?: number;
}

/** A running OPC UA simulator. */
export interface OpcuaSim {
  readonly port: number;
  /** Its endpoint URL, `opc.tcp://host:port/tagflow`. */
  readonly endpoint: string;
  /** The server's certificate (PEM file), e.g. to put on a client's trust list. */
  readonly certificateFile: string;
  /**
   * Makes every variable bad with the named status (e.g. `BadDeviceFailure`) and stops its
   * changes, as a PLC whose field bus failed; without a status, good again and changing.
   */
  fault(status?: string): void;
  close(): Promise<void>;
}

/** Where the simulator's resources live on its endpoint. */
export const SIM_RESOURCE_PATH = "/tagflow";

/** Security policies the simulator offers, each with Sign and SignAndEncrypt (and None). */
const POLICIES = [
  SecurityPolicy.None,
  SecurityPolicy.Basic256Sha256,
  SecurityPolicy.Aes128_Sha256_RsaOaep,
  SecurityPolicy.Aes256_Sha256_RsaPss,
];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Starts an OPC UA server (node-opcua) serving compressor2 (`ns=1;s=Compressor2.<Variable>`),
 * one writable variable per built-in type (`ns=1;s=Types.<DataType>`) and optional load
 * variables; resolves once it listens. Client certificates are accepted without question: it is
 * a simulator.
 */
export async function startOpcuaSim(opts: OpcuaSimOptions): Promise<OpcuaSim> {
  const host = opts.host ?? "127.0.0.1";
  const tickMs = opts.tickMs ?? 1000;
  const users = opts.users ?? {};
  const fail = (reason: string) =>
    new Error(`Cannot start OPC UA simulator on ${host}:${opts.port}: ${reason}`);
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
    throw fail("port must be an integer in 1..65535");
  }
  if (!(tickMs > 0)) throw fail("tickMs must be positive");
  const managers = [
    new OPCUACertificateManager({
      rootFolder: join(opts.pkiDir, "server"),
      automaticallyAcceptUnknownCertificate: true,
      disableFileWatchers: true,
    }),
    new OPCUACertificateManager({
      rootFolder: join(opts.pkiDir, "users"),
      automaticallyAcceptUnknownCertificate: true,
      disableFileWatchers: true,
    }),
  ];
  const server = new OPCUAServer({
    host,
    port: opts.port,
    hostname: host,
    resourcePath: SIM_RESOURCE_PATH,
    serverCertificateManager: managers[0],
    userCertificateManager: managers[1],
    securityPolicies: POLICIES,
    securityModes: [
      MessageSecurityMode.None,
      MessageSecurityMode.Sign,
      MessageSecurityMode.SignAndEncrypt,
    ],
    userManager: { isValidUser: (name: string, password: string) => users[name] === password },
    buildInfo: { productName: "Tagflow OPC UA simulator", manufacturerName: "Tagflow" },
    serverInfo: { applicationUri: `urn:tagflow:sim:${opts.port}` },
    serverCapabilities: { maxSessions: 50 },
    maxConnectionsPerEndpoint: 50,
  });
  const variables: SimVariable[] = [];
  const random = rng(opts.seed ?? 2);
  try {
    await server.initialize();
    const addressSpace = server.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    const objects = addressSpace.rootFolder.objects;
    const folder = (name: string) =>
      ns.addObject({ organizedBy: objects, browseName: name, nodeId: `s=${name}` });
    const groups: [string, SimVariable[]][] = [
      ["Compressor2", compressor2(random)],
      ["Types", typeBench()],
    ];
    if (opts.loadVariables) {
      groups.push(["Load", loadVariables(opts.loadVariables, random)]);
    }
    for (const [name, vars] of groups) {
      const parent = folder(name);
      for (const v of vars) {
        const options = {
          componentOf: parent,
          browseName: v.name,
          nodeId: `s=${name}.${v.name}`,
          dataType: v.dataType,
          accessLevel: v.writable ? "CurrentRead | CurrentWrite" : "CurrentRead",
          userAccessLevel: v.writable ? "CurrentRead | CurrentWrite" : "CurrentRead",
          minimumSamplingInterval: 0,
        } as const;
        const node = v.range
          ? ns.addAnalogDataItem({
            ...options,
            dataType: "Double",
            engineeringUnitsRange: { low: v.range[0], high: v.range[1] },
            instrumentRange: { low: v.range[0], high: v.range[1] },
            engineeringUnits: UNITS[v.unit ?? ""],
            acceptValueOutOfRange: false,
          })
          : ns.addVariable(options);
        node.setValueFromSource(scalar(v.dataType, v.value));
        v.node = node;
        variables.push(v);
      }
    }
    await server.start();
  } catch (err) {
    await server.shutdown(0).catch(() => {});
    await Promise.all(managers.map((m) => m.dispose()));
    throw fail((err as Error).message);
  }
  let faulted = false, ticking = false, closed = false;
  // A tick moves every variable, a slice at a time with the event loop between slices: with
  // 100,000 load variables in one go, the server would answer no request for a second or more.
  // A tick still under way when the next is due makes that one skip.
  const tick = async () => {
    if (faulted || ticking) return;
    ticking = true;
    try {
      const now = new Date();
      for (let i = 0; i < variables.length; i++) {
        if (i > 0 && i % TICK_SLICE === 0) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (faulted || closed) return;
        }
        const v = variables[i];
        if (!v.next) continue;
        const value = v.next(now.getTime());
        if (value === undefined) continue;
        v.value = value;
        v.node!.setValueFromSource(scalar(v.dataType, value), StatusCodes.Good, now);
      }
    } finally {
      ticking = false;
    }
  };
  const timer = setInterval(tick, tickMs);
  let closing: Promise<void> | undefined;
  return {
    port: opts.port,
    endpoint: `opc.tcp://${host}:${opts.port}${SIM_RESOURCE_PATH}`,
    certificateFile: join(opts.pkiDir, "server", "own", "certs", "certificate.pem"),
    fault(status?: string) {
      const code = status === undefined
        ? StatusCodes.Good
        : (StatusCodes as unknown as Record<string, StatusCode | undefined>)[status];
      if (!code || (status !== undefined && code.value >>> 30 < 2)) {
        throw new Error(`OPC UA simulator fault: "${status}" is not a Bad status code`);
      }
      faulted = status !== undefined;
      const now = new Date();
      for (const v of variables) v.node!.setValueFromSource(scalar(v.dataType, v.value), code, now);
    },
    close() {
      closing ??= (async () => {
        closed = true;
        clearInterval(timer);
        await server.shutdown(0);
        await Promise.all(managers.map((m) => m.dispose()));
      })();
      return closing;
    },
  };
}

/** Variables a tick moves before it lets the server answer requests again. */
const TICK_SLICE = 2_000;

/** EngineeringUnits of the simulator's analog items (UNECE codes). */
const UNITS: Record<string, EUInformation> = {
  degC: standardUnits.degree_celsius,
  A: standardUnits.ampere,
  bar: standardUnits.bar,
  "mm/s": makeEUInformation("C16", "mm/s", "millimetre per second"),
};

/** A scalar Variant (64-bit integers arrive as [high, low], which could read as an array). */
function scalar(dataType: DataType, value: unknown): Variant {
  return new Variant({ dataType, arrayType: VariantArrayType.Scalar, value });
}

/** Doubles that move a little every tick, starting apart so each is recognisable. */
function loadVariables(n: number, random: () => number): SimVariable[] {
  return Array.from({ length: n }, (_, i) => {
    let value = i;
    return {
      name: `V${String(i).padStart(5, "0")}`,
      dataType: DataType.Double,
      value,
      writable: false,
      next: () => (value = Math.round((value + random() - 0.5) * 1000) / 1000),
    };
  });
}
