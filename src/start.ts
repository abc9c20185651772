// `deno task start`: reads the config, works out what the gateway will reach (the hosts and ports
// of its devices and sinks, the API's address, its data directories) and runs src/main.ts with
// exactly those permissions instead of blanket ones. Signals go through; the exit code comes back.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig } from "./config_file.ts";
import { main } from "./main.ts";
import { planFromConfig } from "./plan.ts";
import { permissionFlags, processPermissions } from "./permissions.ts";
import { v8Args } from "./v8_flags.ts";
import { mallocEnv } from "./malloc_env.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

async function start(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    strict: false,
    options: { config: { type: "string", default: "config.jsonc" } },
  });
  const file = String(values.config);
  let config;
  try {
    config = await loadConfig(file);
  } catch {
    return await main(); // bad usage or config: main says what is wrong, with exit code 2
  }
  if (Deno.args.includes("--check") || Deno.args.includes("--help")) return await main();
  const { actors } = planFromConfig(config);
  const flags = permissionFlags(processPermissions(config, actors, file), ROOT);
  const env = (name: string) => Deno.env.get(name);
  const devices = actors.filter((a) => a.role === "device").length;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, ...v8Args(env, devices), MAIN, ...Deno.args],
    env: mallocEnv(env),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    Deno.addSignalListener(signal, () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    });
  }
  return (await child.status).code;
}

if (import.meta.main) Deno.exit(await start());
