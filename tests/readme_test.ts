// Every jsonc example in the user docs is valid config: README.md, each driver's
// actors/<folder>/README.md and the Markdown under docs/. Within a file each example is checked
// together with the examples before it, so an example may be a fragment (a route may name the
// device and sink defined above it); files do not share examples.
import assert from "node:assert/strict";
import { parse, type ParseError, printParseErrorCode } from "jsonc-parser";
import { parseConfig } from "../src/gateway_config.ts";
import type { Driver } from "../src/runtime/kit.ts";

const root = new URL("../", import.meta.url);
const env = (name: string) =>
  ({ MQTT_USER: "u", MQTT_PASSWORD: "p", PG_PASSWORD: "p", INFLUX_TOKEN: "t" } as Record<
    string,
    string
  >)[name];

type Config = Record<string, unknown>;

/** The body of every ```jsonc block of a Markdown text, in order. */
export function jsoncExamples(markdown: string): string[] {
  return [...markdown.matchAll(/^[ \t]*```jsonc[ \t]*\n([\s\S]*?)^[ \t]*```/gm)].map((m) => m[1]);
}

/** Parses one example as the config loader does; a syntax error throws, naming the example. */
function parseExample(text: string, where: string): Config {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const problems = errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`);
    throw new Error(`${where} is not valid JSONC: ${problems.join(", ")}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${where} is not a JSON object`);
  }
  return value as Config;
}

/** The examples so far merged with one more: sections merge by entry id, arrays replace. */
function merge(merged: Config, fragment: Config): Config {
  const out: Config = { ...merged };
  for (const [key, value] of Object.entries(fragment)) {
    const before = out[key];
    out[key] = Array.isArray(value) || typeof value !== "object" || value === null
      ? value
      : { ...(typeof before === "object" && before !== null ? before : {}), ...value };
  }
  return out;
}

/** Paths (relative to the repository) of the docs whose examples are checked. */
async function docFiles(): Promise<string[]> {
  const files = ["README.md"];
  for (const folder of await driverFolders()) files.push(`actors/${folder}/README.md`);
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(new URL(dir, root))) {
      if (e.isDirectory) await walk(`${dir}${e.name}/`);
      else if (e.name.endsWith(".md")) files.push(`${dir}${e.name}`);
    }
  };
  await walk("docs/");
  return files;
}

/** Folders under actors/ that hold a driver (a mod.ts with its definition). */
async function driverFolders(): Promise<string[]> {
  const folders: string[] = [];
  for await (const e of Deno.readDir(new URL("actors/", root))) {
    if (!e.isDirectory) continue;
    try {
      await Deno.stat(new URL(`actors/${e.name}/mod.ts`, root));
      folders.push(e.name);
    } catch {
      // not a driver folder
    }
  }
  return folders.sort();
}

const files = await docFiles();
const read = (path: string) => Deno.readTextFile(new URL(path, root));
const examplesOf = new Map<string, string[]>();
for (const path of files) examplesOf.set(path, jsoncExamples(await read(path)));

Deno.test("the README has config examples", () => {
  const n = examplesOf.get("README.md")!.length;
  assert.ok(n >= 5, `README.md: found ${n}`);
});

Deno.test("the operations guide has config examples", () => {
  const n = examplesOf.get("docs/operations.md")?.length ?? 0;
  assert.ok(n >= 1, `docs/operations.md: found ${n}`);
});

for (const folder of await driverFolders()) {
  Deno.test(`actors/${folder}/README.md shows its driver in a config example`, async () => {
    const path = `actors/${folder}/README.md`;
    const examples = examplesOf.get(path) ?? [];
    assert.ok(examples.length >= 1, `${path}: no jsonc example`);
    const driver = (await import(new URL(`actors/${folder}/mod.ts`, root).href))
      .default as Driver;
    const config = examples.reduce<Config>(
      (m, t, i) => merge(m, parseExample(t, `${path} #${i + 1}`)),
      {},
    );
    const section = ({ device: "devices", sink: "sinks", transform: "transforms" } as const)[
      driver.role
    ];
    const kinds = Object.values((config[section] ?? {}) as Record<string, { kind?: string }>)
      .map((entry) => entry.kind);
    assert.ok(
      kinds.includes(driver.kind),
      `${path}: no example under "${section}" with "kind": "${driver.kind}"`,
    );
  });
}

for (const path of files) {
  let merged: Config = {};
  examplesOf.get(path)!.forEach((text, i) => {
    const where = `${path} example ${i + 1}`;
    // Merged now, checked in the test: each test stands alone, whatever others run or fail.
    let snapshot: string | Error;
    try {
      merged = merge(merged, parseExample(text, where));
      snapshot = JSON.stringify(merged);
    } catch (err) {
      snapshot = err as Error;
    }
    Deno.test(`${where} validates against the schema`, () => {
      if (snapshot instanceof Error) throw snapshot;
      assert.ok(parseConfig(snapshot, `${path} examples 1–${i + 1}`, env));
    });
  });
}
