import { parse, type ParseError, printParseErrorCode } from "jsonc-parser";
import type { Config, ConfigSchema } from "./schema.ts";
import { dirname, isAbsolute, join } from "node:path";
import { type ConfigIssue, formatPath, substituteEnv } from "./env.ts";
import { expandTemplates, withOrigin } from "./templates.ts";
import { Interner } from "../model/intern.ts";

/** The config cannot be used; every problem is listed by path. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly issues: ConfigIssue[]) {
    super(
      `Cannot load config ${file}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** Reads a file the config names (a CSV of devices or tags), relative to the config's folder. */
export const readBeside = (configFile: string) => (name: string): string =>
  Deno.readTextFileSync(isAbsolute(name) ? name : join(dirname(configFile), name));

/**
 * Parses config text, expands its templates (CSV files read by `read`), substitutes `${ENV}` and
 * validates; throws ConfigError listing every issue.
 */
export function parseConfig(
  configSchema: ConfigSchema,
  text: string,
  file = "config.jsonc",
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
  read: (name: string) => string = readBeside(file),
): Config {
  return validateConfig(configSchema, prepareConfig(text, file, env, read));
}

/** Config text parsed, its templates expanded and `${ENV}` substituted: ready to validate. */
export interface PreparedConfig {
  file: string;
  value: unknown;
  /** What expansion and substitution found wrong (an unset variable, a missing CSV file). */
  issues: readonly ConfigIssue[];
  origins: ReturnType<typeof expandTemplates>["origins"];
}

/** The first steps of parseConfig; throws ConfigError on a syntax error. */
export function prepareConfig(
  text: string,
  file = "config.jsonc",
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
  read: (name: string) => string = readBeside(file),
): PreparedConfig {
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
  const { config: expanded, origins } = expandTemplates(raw ?? {}, read, issues);
  return { file, value: substituteEnv(expanded, env, issues), issues, origins };
}

/** The last step of parseConfig: validates; throws ConfigError listing every issue. */
export function validateConfig(configSchema: ConfigSchema, prepared: PreparedConfig): Config {
  const { file, origins } = prepared;
  const issues = [...prepared.issues];
  const result = configSchema.safeParse(prepared.value);
  if (!result.success) {
    // An unset variable was replaced by "": its value's own complaint about that would be noise.
    const unset = new Set(issues.map((i) => i.path));
    for (const issue of result.error.issues) {
      const path = formatPath(issue.path);
      if (!unset.has(path)) issues.push({ path, message: describe(issue) });
    }
  }
  if (issues.length > 0 || !result.success) {
    throw new ConfigError(file, issues.map((i) => withOrigin(i, origins)));
  }
  // Thousands of tags repeat the same types, names and addresses: hold each string once, and each
  // tag list of a template once.
  const strings = new Interner();
  const config = strings.walk(result.data);
  for (const device of Object.values(config.devices ?? {})) strings.shareTags(device);
  return config;
}

/** A config file's text; throws ConfigError naming the file when it cannot be read. */
export async function readConfigFile(file: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (err) {
    throw new ConfigError(file, [{
      path: "(file)",
      message: `cannot read: ${(err as Error).message}`,
    }]);
  }
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
