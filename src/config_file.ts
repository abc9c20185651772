// The gateway's config file as main, reload and start read it: validated with the schemas of the
// kinds it uses only. Building every driver's schema (src/gateway_config.ts, for editors and
// tests) costs the main thread about 2 MB of heap it would keep for as long as it runs.
import { drivers } from "../actors/registry.ts";
import {
  buildConfigSchema,
  type Config,
  type ConfigSchema,
  ENTRY_SECTIONS,
  isObject,
} from "./config/schema.ts";
import {
  ConfigError,
  prepareConfig,
  type PreparedConfig,
  readConfigFile,
  validateConfig,
} from "./config/load.ts";

export { ConfigError };

const KNOWN = new Set(drivers.map((d) => d.kind));

/**
 * The kinds a prepared config's entries name; undefined when an entry names none or one no driver
 * has (the schema of every kind then says what is wrong, as it lists the kinds there are).
 */
export function kindsOf(config: unknown): Set<string> | undefined {
  if (!isObject(config)) return undefined;
  const kinds = new Set<string>();
  for (const section of ENTRY_SECTIONS) {
    const entries = config[section];
    if (entries === undefined) continue;
    if (!isObject(entries)) return undefined;
    for (const entry of Object.values(entries)) {
      const kind = isObject(entry) ? entry.kind : undefined;
      if (typeof kind !== "string" || !KNOWN.has(kind)) return undefined;
      kinds.add(kind);
    }
  }
  return kinds;
}

/** Schemas by the kinds they take (a reload with the same kinds builds none). */
const byKinds = new Map<string, Promise<ConfigSchema>>();

function schemaFor(kinds: Set<string>): Promise<ConfigSchema> {
  const key = [...kinds].sort().join(",");
  let schema = byKinds.get(key);
  if (!schema) {
    byKinds.set(
      key,
      schema = buildConfigSchema(drivers.filter((d) => kinds.has(d.kind))),
    );
  }
  return schema;
}

/**
 * Validates with the schema of the kinds the config uses. A config it refuses is validated again
 * with every kind's schema, so the issues are those of src/gateway_config.ts's parseConfig.
 */
export async function validateUsed(prepared: PreparedConfig): Promise<Config> {
  const kinds = kindsOf(prepared.value);
  if (kinds) {
    try {
      return validateConfig(await schemaFor(kinds), prepared);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
    }
  }
  return validateConfig(await buildConfigSchema(drivers), prepared);
}

/** Reads, parses, substitutes `${ENV}` and validates a config file; throws ConfigError. */
export async function loadConfig(
  file: string,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): Promise<Config> {
  return await validateUsed(prepareConfig(await readConfigFile(file), file, env));
}
