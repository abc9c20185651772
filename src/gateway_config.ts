// The gateway's configuration with every kind the registry lists: the schema, parsing and JSON
// Schema with it. `deno task schema` writes config.schema.json. The gateway itself reads its
// file with the schemas of the kinds it uses (src/config_file.ts).
import { drivers } from "../actors/registry.ts";
import { configJsonSchema as jsonSchemaOf } from "./config/json_schema.ts";
import * as load from "./config/load.ts";
import { buildConfigSchema, type Config } from "./config/schema.ts";

export { ConfigError } from "./config/load.ts";
export type { Config };

/** The zod schema of config.jsonc with every registered kind. */
export const configSchema = await buildConfigSchema(drivers);

/** Parses, substitutes `${ENV}` and validates config text; throws ConfigError listing every issue. */
export function parseConfig(
  text: string,
  file = "config.jsonc",
  env?: (name: string) => string | undefined,
): Config {
  return load.parseConfig(configSchema, text, file, env);
}

/** The JSON Schema of config.jsonc, for editors. */
export function configJsonSchema(): string {
  return jsonSchemaOf(configSchema);
}

if (import.meta.main) {
  const out = Deno.args[0] ?? "config.schema.json";
  await Deno.writeTextFile(out, configJsonSchema());
  console.log(`wrote ${out}`);
}
