import { parse, type ParseError, printParseErrorCode } from "jsonc-parser";
import type { Config, ConfigSchema } from "./schema.ts";
import { type ConfigIssue, formatPath, substituteEnv } from "./env.ts";

/** The config cannot be used; every problem is listed by path. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly issues: ConfigIssue[]) {
    super(
      `Cannot load config ${file}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** Parses, substitutes `${ENV}` and validates config text; throws ConfigError listing every issue. */
export function parseConfig(
  configSchema: ConfigSchema,
  text: string,
  file = "config.jsonc",
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): Config {
  const syntax: ParseError[] = [];
  const raw = parse(text, syntax, { allowTrailingComma: true, disallowComments: false });
  if (syntax.length > 0) {
    throw new ConfigError(
      file,
      syntax.map((e) => ({
        path: position(text, e.offset),
        message: printParseErrorCode(e.error),
      })),
    );
  }
  const issues: ConfigIssue[] = [];
  const substituted = substituteEnv(raw ?? {}, env, issues);
  const result = configSchema.safeParse(substituted);
  if (!result.success) {
    // An unset variable was replaced by "": its value's own complaint about that would be noise.
    const unset = new Set(issues.map((i) => i.path));
    for (const issue of result.error.issues) {
      const path = formatPath(issue.path);
      if (!unset.has(path)) issues.push({ path, message: describe(issue) });
    }
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(file, issues);
  return result.data;
}

/** Reads and parses a config file. */
export async function loadConfig(
  configSchema: ConfigSchema,
  file: string,
  env?: (name: string) => string | undefined,
): Promise<Config> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    throw new ConfigError(file, [{
      path: "(file)",
      message: `cannot read: ${(err as Error).message}`,
    }]);
  }
  return parseConfig(configSchema, text, file, env);
}

function describe(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === "unrecognized_keys" && issue.keys) {
    return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  return issue.message;
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
