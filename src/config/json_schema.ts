import { z } from "zod";
import { configSchema } from "./schema.ts";

/** The JSON Schema of config.jsonc, generated from the zod schema. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
  return JSON.stringify({ ...schema, title: "Tagflow gateway configuration" }, null, 2) + "\n";
}

if (import.meta.main) {
  const out = Deno.args[0] ?? "config.schema.json";
  await Deno.writeTextFile(out, configJsonSchema());
  console.log(`wrote ${out}`);
}
