import assert from "node:assert/strict";
import { ConfigError, kindsOf, loadConfig } from "./config_file.ts";
import { parseConfig } from "./gateway_config.ts";

const noEnv = (_name: string) => undefined;

async function withFile<T>(text: string, fn: (file: string) => Promise<T>): Promise<T> {
  const file = await Deno.makeTempFile({ suffix: ".jsonc" });
  try {
    await Deno.writeTextFile(file, text);
    return await fn(file);
  } finally {
    await Deno.remove(file);
  }
}

/** The issues of a ConfigError thrown by `fn`. */
async function issuesOf(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.issues;
  }
  assert.fail("the config was accepted");
}

Deno.test("kindsOf names the kinds of every entry, or nothing when one is unknown or missing", () => {
  const modbus = { kind: "modbus" };
  assert.deepEqual(
    kindsOf({ devices: { a: modbus, b: modbus }, sinks: { m: { kind: "mqtt" } } }),
    new Set(["modbus", "mqtt"]),
  );
  assert.deepEqual(kindsOf({ simulators: { s: modbus }, transforms: {} }), new Set(["modbus"]));
  assert.deepEqual(kindsOf({}), new Set());
  assert.equal(kindsOf({ devices: { a: { kind: "profibus" } } }), undefined);
  assert.equal(kindsOf({ devices: { a: { host: "plc" } } }), undefined);
  assert.equal(kindsOf({ devices: [modbus] }), undefined);
  assert.equal(kindsOf("devices"), undefined);
});

Deno.test("the repository's config.jsonc loads as parseConfig with every kind parses it", async () => {
  const file = new URL("../config.jsonc", import.meta.url).pathname;
  const text = await Deno.readTextFile(file);
  assert.deepEqual(await loadConfig(file, noEnv), parseConfig(text, file, noEnv));
});

Deno.test("a refused config lists the same issues as parseConfig with every kind", async () => {
  const configs = [
    // A field wrong in a kind the config uses, and an id used twice.
    {
      devices: { plc: { kind: "modbus", host: "plc", port: 70000, tags: [] } },
      sinks: { plc: { kind: "mqtt", url: "mqtt://127.0.0.1:1883" } },
    },
    // A kind no driver has: the issue lists the kinds there are.
    { devices: { plc: { kind: "profibus" } } },
    // No kind at all.
    { sinks: { out: { url: "mqtt://127.0.0.1:1883" } } },
  ];
  for (const config of configs) {
    const text = JSON.stringify(config);
    const expected = await issuesOf(() => parseConfig(text, "x.jsonc", noEnv));
    const got = await withFile(text, (file) => issuesOf(() => loadConfig(file, noEnv)));
    assert.deepEqual(
      (got as { path: string; message: string }[]).map((i) => [i.path, i.message]),
      (expected as { path: string; message: string }[]).map((i) => [i.path, i.message]),
      text,
    );
  }
});

Deno.test("an unreadable config file is a ConfigError naming the file", async () => {
  const issues = await issuesOf(() => loadConfig("/nonexistent/tagflow.jsonc", noEnv));
  assert.equal((issues as { path: string }[])[0].path, "(file)");
});
