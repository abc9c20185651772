import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./gateway_config.ts";
import { startGateway } from "./gateway.ts";
import { heapAdvice, ownCmdline } from "./heap_advice.ts";
import { logger } from "./runtime/log.ts";

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
  // The variables the config refers to (its secrets): read once here, then taken out of the
  // environment, so no worker (which may read the environment) can read another actor's secret.
  const referenced = new Set<string>();
  try {
    config = await loadConfig(args.config, (name) => {
      referenced.add(name);
      return Deno.env.get(name);
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  if (args.check) {
    console.log(`${args.config}: ok`);
    return 0;
  }
  for (const name of referenced) Deno.env.delete(name);
  const advice = heapAdvice(
    Object.keys(config.devices).length,
    ownCmdline(),
    Deno.env.get("DENO_V8_FLAGS"),
  );
  if (advice) logger({ component: "gateway" })("warn", advice);
  const gateway = await startGateway(config, new URL("./worker.ts", import.meta.url));
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(signal, () => resolve());
    }
  });
  await gateway.stop();
  return 0;
}

if (import.meta.main) Deno.exit(await main());
