// A bad config stops the start with exit code 2 and every problem listed by path.
import assert from "node:assert/strict";
import { RUN_FLAGS } from "../helpers/gateway_process.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function runConfig(text: string, env: Record<string, string> = {}) {
  const file = await Deno.makeTempFile({ suffix: ".jsonc" });
  await Deno.writeTextFile(file, text);
  try {
    return await run(["--config", file], env);
  } finally {
    await Deno.remove(file);
  }
}

const device = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    kind: "modbus",
    host: "127.0.0.1",
    tags: [{ name: "t", address: "1!40001" }],
    ...extra,
  });

const CASES: [string, string, RegExp[]][] = [
  ["JSONC syntax error", `{ "devices": { "d": { "kind": "modbus" ] } }`, [/line 1, column \d+: /]],
  ["unknown device kind", `{ "devices": { "d": { "kind": "profibus" } } }`, [/devices\.d\.kind: /]],
  [
    "missing required field",
    `{ "devices": { "d": { "kind": "modbus", "tags": [{ "name": "t", "address": "1!40001" }] } } }`,
    [
      /devices\.d\.host: /,
    ],
  ],
  [
    "bad Modbus address",
    `{ "devices": { "d": ${device({ tags: [{ name: "t", address: "40001x" }] })} } }`,
    [
      /devices\.d\.tags\[0\]\.address: expected "unit!register" such as "1!40001", got "40001x"/,
    ],
  ],
  ["wrong type", `{ "api": { "port": "eighty" } }`, [/api\.port: /]],
  ["out-of-range port", `{ "devices": { "d": ${device({ port: 70000 })} } }`, [
    /devices\.d\.port: /,
  ]],
  ["unknown field (typo)", `{ "devices": { "d": ${device({ intervall_ms: 500 })} } }`, [
    /devices\.d: unknown field\(s\) "intervall_ms"/,
  ]],
  [
    "route to a missing sink",
    `{ "devices": { "d": ${device()} }, "routes": [{ "from": ["d"], "to": ["nope"] }] }`,
    [
      /routes\[0\]\.to\[0\]: no sink "nope"/,
    ],
  ],
  [
    "unset environment variable",
    `{ "sinks": { "m": { "kind": "mqtt", "url": "mqtt://x", "password": "\${TAGFLOW_TEST_UNSET_PW}" } } }`,
    [
      /sinks\.m\.password: environment variable TAGFLOW_TEST_UNSET_PW is not set/,
    ],
  ],
  [
    "several problems at once",
    `{ "api": { "port": -1 }, "devices": { "d": ${
      device({ tags: [{ name: "t", address: "1!40001", type: "float" }] })
    }, "bad id!": ${device()} } }`,
    [
      /api\.port: /,
      /devices\.d\.tags\[0\]\.type: /,
      /devices\.bad id!: /,
    ],
  ],
];

for (const [name, text, expected] of CASES) {
  Deno.test(`bad config exits 2 naming the path: ${name}`, async () => {
    const { code, stderr } = await runConfig(text);
    assert.equal(code, 2, stderr);
    for (const re of expected) assert.match(stderr, re);
  });
}

Deno.test("the default config.jsonc is valid (--check exits 0)", async () => {
  const { code, stdout, stderr } = await run(["--check"]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /config\.jsonc: ok/);
});

Deno.test("an unreadable config file and an unknown flag exit 2", async () => {
  const missing = await run(["--config", "/nonexistent/tagflow.jsonc"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /\(file\): cannot read/);
  const flag = await run(["--bogus"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /usage: tagflow/);
});
