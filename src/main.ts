import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config_file.ts";
import { startGateway } from "./gateway.ts";
import { logger } from "./runtime/log.ts";
import { EnvVault } from "./config/env.ts";
import { watchConfig } from "./config_watch.ts";

export const USAGE = `usage: tagflow [--config PATH] [--check]
  --config PATH  configuration file (default: config.jsonc)
  --check        validate the configuration and exit`;

/** Starts the gateway; exit code 2 for bad usage or config, 0 after a drained shutdown. */
export async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: Deno.args,
      options: {
        config: { type: "string", default: "config.jsonc" },
        check: { type: "boolean" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let config;
  // The variables the config refers to (its secrets): read once here, kept for reloads, and taken
  // out of the environment, so no worker (which may read it) can read another actor's secret.
  const env = new EnvVault();
  try {
    config = await loadConfig(args.config, env.lookup);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  if (args.check) {
    console.log(`${args.config}: ok`);
    return 0;
  }
  env.scrub();
  const gateway = await startGateway(config, new URL("./worker.ts", import.meta.url), {
    file: args.config,
    env,
  });
  // A reload on SIGHUP and whenever the file's text changes.
  const reload = (trigger: "file" | "signal") => void gateway.reloader?.reload(trigger);
  Deno.addSignalListener("SIGHUP", () => reload("signal"));
  const watching = new AbortController();
  watchConfig(args.config, () => reload("file"), watching.signal).catch((err) =>
    logger({ component: "config" })("warn", "not watching the config file", {
      file: args.config,
      error: String(err),
    })
  );
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(signal, () => resolve());
    }
  });
  watching.abort();
  await gateway.stop();
  return 0;
}

if (import.meta.main) Deno.exit(await main());
