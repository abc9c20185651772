import { z } from "zod";
import type { ConfigSchema } from "./schema.ts";

/** The JSON Schema of config.jsonc, generated from the zod schema. */
export function configJsonSchema(configSchema: ConfigSchema): string {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
  return JSON.stringify({ ...schema, title: "Tagflow gateway configuration" }, null, 2) + "\n";
}
