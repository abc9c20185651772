/**
 * `deno task sim`: runs the built-in Modbus TCP and OPC UA simulators until SIGINT/SIGTERM.
 *
 *   deno task sim [--host 127.0.0.1] [--sim name=profile@port ...]
 *                 [--opcua-user name:password ...] [--opcua-load N] [--pki-dir DIR]
 *
 * Without `--sim` it starts compressor1 (compressor@5020), seed001 (seed001@5021) and
 * compressor2 (opcua@4840, endpoint opc.tcp://127.0.0.1:4840/tagflow). An OPC UA simulator keeps
 * its PKI in `--pki-dir` (default data/pki/sim-<name>).
 */
import { parseArgs } from "node:util";
import { isProfileName, type ProfileName } from "../../actors/modbus/sim_profiles.ts";
import { type ModbusSim, startModbusSim } from "../../actors/modbus/sim_server.ts";
import { startOpcuaSim } from "../../actors/opcua/sim_server.ts";

interface SimSpec {
  name: string;
  profile: ProfileName | "opcua";
  port: number;
}

const DEFAULT_SIMS = [
  "compressor1=compressor@5020",
  "seed001=seed001@5021",
  "compressor2=opcua@4840",
];

function log(level: "info" | "error", msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

/** Parses `name=profile@port`. */
function parseSimSpec(spec: string): SimSpec {
  const m = /^([\w.-]+)=(\w+)@(\d+)$/.exec(spec);
  if (!m) throw new Error(`Cannot parse --sim "${spec}": expected name=profile@port`);
  const [, name, profile, portText] = m;
  const port = Number(portText);
  if (!isProfileName(profile) && profile !== "opcua") {
    throw new Error(`Cannot parse --sim "${spec}": unknown profile "${profile}"`);
  }
  if (port < 1 || port > 65535) throw new Error(`Cannot parse --sim "${spec}": port out of range`);
  return { name, profile, port };
}

async function main(): Promise<number> {
  let host: string;
  let specs: SimSpec[];
  let opcua: { users: Record<string, string>; load: number; pkiDir?: string };
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        host: { type: "string", default: "127.0.0.1" },
        sim: { type: "string", multiple: true },
        "opcua-user": { type: "string", multiple: true },
        "opcua-load": { type: "string", default: "0" },
        "pki-dir": { type: "string" },
      },
    });
    host = values.host;
    const users = (values["opcua-user"] ?? []).map((u) => u.split(":"));
    if (users.some((u) => u.length !== 2)) {
      throw new Error("Cannot parse --opcua-user: name:password");
    }
    opcua = {
      users: Object.fromEntries(users),
      load: Number(values["opcua-load"]),
      pkiDir: values["pki-dir"],
    };
    specs = (values.sim?.length ? values.sim : DEFAULT_SIMS).map(parseSimSpec);
  } catch (err) {
    log("error", err instanceof Error ? err.message : String(err));
    return 2;
  }

  const sims: Pick<ModbusSim, "close">[] = [];
  const closeAll = () => Promise.all(sims.map((s) => s.close()));
  try {
    for (const { name, profile, port } of specs) {
      if (profile === "opcua") {
        const sim = await startOpcuaSim({
          host,
          port,
          pkiDir: opcua.pkiDir ?? `data/pki/sim-${name}`,
          users: opcua.users,
          loadVariables: opcua.load,
        });
        sims.push(sim);
        log("info", "simulator listening", {
          name,
          profile,
          endpoint: sim.endpoint,
          certificate: sim.certificateFile,
        });
        continue;
      }
      const sim = await startModbusSim({ host, port, profile });
      sims.push(sim);
      log("info", "simulator listening", { name, profile, address: sim.address });
    }
  } catch (err) {
    log("error", err instanceof Error ? err.message : String(err));
    await closeAll();
    return 1;
  }

  const signal = await new Promise<Deno.Signal>((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(sig, () => resolve(sig));
    }
  });
  await closeAll();
  log("info", "simulators stopped", { signal });
  return 0;
}

if (import.meta.main) Deno.exit(await main());
