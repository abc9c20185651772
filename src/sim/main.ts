/**
 * `deno task sim`: runs the built-in Modbus TCP simulators until SIGINT/SIGTERM.
 *
 *   deno task sim [--host 127.0.0.1] [--sim name=profile@port ...]
 *
 * Without `--sim` it starts compressor1 (compressor@5020) and seed001 (seed001@5021).
 */
import { parseArgs } from "node:util";
import { isProfileName, type ProfileName } from "./modbus_profiles.ts";
import { type ModbusSim, startModbusSim } from "./modbus_sim.ts";

interface SimSpec {
  name: string;
  profile: ProfileName;
  port: number;
}

const DEFAULT_SIMS = ["compressor1=compressor@5020", "seed001=seed001@5021"];

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
  if (!isProfileName(profile)) {
    throw new Error(`Cannot parse --sim "${spec}": unknown profile "${profile}"`);
  }
  if (port < 1 || port > 65535) throw new Error(`Cannot parse --sim "${spec}": port out of range`);
  return { name, profile, port };
}

async function main(): Promise<number> {
  let host: string;
  let specs: SimSpec[];
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        host: { type: "string", default: "127.0.0.1" },
        sim: { type: "string", multiple: true },
      },
    });
    host = values.host;
    specs = (values.sim?.length ? values.sim : DEFAULT_SIMS).map(parseSimSpec);
  } catch (err) {
    log("error", err instanceof Error ? err.message : String(err));
    return 2;
  }

  const sims: ModbusSim[] = [];
  const closeAll = () => Promise.all(sims.map((s) => s.close()));
  try {
    for (const { name, profile, port } of specs) {
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
