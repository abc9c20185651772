import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../gateway_config.ts";
import { formatPath } from "./env.ts";

const noEnv = (_name: string) => undefined;

function device(extra: Record<string, unknown> = {}) {
  return { kind: "modbus", host: "plc", tags: [{ name: "t", address: "1!40001" }], ...extra };
}

/** The issues parseConfig throws for `config` (an object is written as JSON first). */
function issues(config: unknown, env = noEnv): { path: string; message: string }[] {
  const text = typeof config === "string" ? config : JSON.stringify(config);
  try {
    parseConfig(text, "test.jsonc", env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    assert.match(err.message, /^Cannot load config test\.jsonc:/);
    return err.issues;
  }
  assert.fail("parseConfig accepted an invalid config");
}

function assertIssue(config: unknown, path: string, message: RegExp, env = noEnv) {
  const found = issues(config, env);
  assert.ok(
    found.some((i) => i.path === path && message.test(i.message)),
    `no issue at ${path} matching ${message}; got ${JSON.stringify(found)}`,
  );
}

Deno.test("the repository's config.jsonc parses", async () => {
  const text = await Deno.readTextFile(new URL("../../config.jsonc", import.meta.url));
  const config = parseConfig(text, "config.jsonc", noEnv);
  assert.equal(config.api.port, 8080, "the ${TAGFLOW_API_PORT:-8080} default applies");
  assert.equal(config.devices.compressor1.kind, "modbus");
  assert.equal(config.sinks.mqtt.url, "mqtt://127.0.0.1:1883");
});

Deno.test("a JSONC syntax error is reported by line and column", () => {
  assertIssue('{\n  "api": {\n    "host": "x"\n    "port": 1\n  }\n}', "line 4, column 5", /Comma/);
});

Deno.test("schema violations are reported at their path with a helpful message", () => {
  assertIssue({ devices: { x: { kind: "opcux", host: "h" } } }, "devices.x.kind", /modbus/);
  assertIssue({ devices: { d: { kind: "modbus", tags: [] } } }, "devices.d.host", /string/);
  assertIssue({ api: { port: "abc" } }, "api.port", /number/);
  assertIssue({ api: { port: true } }, "api.port", /number/);
  assertIssue(
    {
      devices: {
        d: device({ tags: [{ name: "a", address: "40001" }, { name: "b", address: "40001x" }] }),
      },
    },
    "devices.d.tags[1].address",
    /"40001x"/,
  );
  assertIssue({ devices: { d: device({ intervall_ms: 500 }) } }, "devices.d", /"intervall_ms"/);
  assertIssue(
    { devices: { d: device() }, routes: [{ from: "*", to: ["nope"] }] },
    "routes[0].to[0]",
    /"nope"/,
  );
  assertIssue(
    {
      devices: {
        d: device({ tags: [{ name: "a", address: "40001" }, { name: "a", address: "40002" }] }),
      },
    },
    "devices.d.tags[1].name",
    /duplicate tag name "a"/,
  );
  assertIssue(
    { devices: { d: device({ tags: [{ name: "c", address: "00001", type: "int16" }] }) } },
    "devices.d.tags[0].type",
    /bool, got int16/,
  );
});

Deno.test("${VAR} without a default must be set; ${VAR:-default} and $${ work", () => {
  const unset = issues({ devices: { d: device({ host: "${UNSET_VAR}" }) } });
  assert.deepEqual(unset, [
    { path: "devices.d.host", message: "environment variable UNSET_VAR is not set" },
  ], "one issue, not a second one about the empty string left behind");
  const env = (name: string) => ({ HOST: "10.0.0.5", EMPTY: "" } as Record<string, string>)[name];
  const config = parseConfig(
    JSON.stringify({
      api: { host: "${HOST}", port: "${NO_PORT:-9090}" },
      uns: { site: "${EMPTY:-plant}", area: "$${HOST}", line: "a-$${HOST}-${HOST}" },
    }),
    "test.jsonc",
    env,
  );
  assert.equal(config.api.host, "10.0.0.5");
  assert.equal(config.api.port, 9090, "a substituted digit string becomes a number");
  assert.equal(config.uns.site, "plant");
  assert.equal(config.uns.area, "${HOST}");
  assert.equal(config.uns.line, "a-${HOST}-10.0.0.5");
});

Deno.test("every problem in a file is reported, not just the first", () => {
  const found = issues({
    api: { port: "abc" },
    devices: {
      d: device({ host: "${UNSET_VAR}", tags: [{ name: "a", address: "40001x" }] }),
      e: device({ intervall_ms: 5 }),
    },
    routes: [{ from: ["d"], to: ["nope"] }],
  });
  const paths = new Set(found.map((i) => i.path));
  for (
    const path of [
      "api.port",
      "devices.d.host",
      "devices.d.tags[0].address",
      "devices.e",
      "routes[0].to[0]",
    ]
  ) {
    assert.ok(paths.has(path), `${path} missing from ${JSON.stringify(found)}`);
  }
});

Deno.test("formatPath writes dotted keys and bracketed indexes", () => {
  assert.equal(
    formatPath(["devices", "press1", "tags", 3, "address"]),
    "devices.press1.tags[3].address",
  );
  assert.equal(formatPath([0, "a", 1, 2]), "[0].a[1][2]");
  assert.equal(formatPath([]), "(root)");
});
