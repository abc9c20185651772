import assert from "node:assert/strict";
import type { ConfigIssue } from "./env.ts";
import { expandTemplates, substitute, withOrigin } from "./templates.ts";

const files: Record<string, string> = {
  "presses.csv": "name,host,port\np1,10.0.0.1,502\np2,10.0.0.2,oops\n",
  "tags.csv": "name,address,writable\nt,40001,RW\n",
};
const read = (f: string) => {
  if (!(f in files)) throw new Error(`cannot read ${f}`);
  return files[f];
};
const expand = (raw: unknown) => {
  const issues: ConfigIssue[] = [];
  const out = expandTemplates(raw, read, issues);
  return { ...out, issues };
};

Deno.test("vars: ${var} in any string and key; a whole ${var} keeps its type; env references stay", () => {
  assert.deepEqual(
    substitute({ host: "${host}", port: "${port}", name: "${line}_press", "${line}": "${ENV_X}" }, {
      host: "h",
      port: 502,
      line: "L1",
    }),
    { host: "h", port: 502, name: "L1_press", L1: "${ENV_X}" },
  );
});

Deno.test("a device naming a template: expanded with its vars and id, its own fields on top", () => {
  const { config, issues } = expand({
    templates: {
      press: {
        kind: "modbus",
        host: "${host}",
        tags_from: "tags.csv",
        uns: { line: "x", area: "${device}" },
      },
    },
    devices: { a: { template: "press", vars: { host: "h1" }, uns: { line: "L9" } } },
  });
  assert.deepEqual(issues, []);
  assert.deepEqual((config as { devices: unknown }).devices, {
    a: {
      kind: "modbus",
      host: "h1",
      uns: { line: "L9", area: "a" },
      tags: [{ name: "t", address: "40001", writable: true }],
    },
  });
  assert.ok(!("templates" in (config as object)), "the template section is gone");
});

Deno.test("devices_from: one device per CSV row; numbers typed; a bad row named by its line", () => {
  const { config, issues, origins } = expand({
    templates: { press: { kind: "modbus", host: "${host}", port: "${port}" } },
    devices_from: [{ file: "presses.csv", template: "press" }],
  });
  assert.deepEqual(issues, []);
  const devices = (config as { devices: Record<string, { port: unknown }> }).devices;
  assert.deepEqual(Object.keys(devices), ["p1", "p2"]);
  assert.equal(devices.p1.port, 502);
  assert.equal(devices.p2.port, "oops", "left for the schema, which names the line");
  assert.deepEqual(
    withOrigin({ path: "devices.p2.port", message: "expected number" }, origins),
    { path: "devices.p2.port", message: "expected number (presses.csv line 3)" },
  );
});

Deno.test("unknown templates, unreadable files and duplicate ids are issues by path", () => {
  const { issues } = expand({
    templates: { press: { kind: "modbus", host: "${host}" } },
    devices_from: [{ file: "presses.csv", template: "press" }, {
      file: "nope.csv",
      template: "press",
    }],
    devices: { p1: { kind: "modbus" }, x: { template: "stamp" } },
  });
  assert.deepEqual(issues.map((i) => i.path), [
    "devices.x.template",
    "devices.p1",
    "devices_from[1]",
  ]);
  assert.match(issues[0].message, /unknown template "stamp" \(templates: press\)/);
  assert.match(issues[1].message, /presses\.csv line 2: device "p1" is defined in the config too/);
  assert.match(issues[2].message, /cannot read nope\.csv/);
});

Deno.test("a config without templates passes through unchanged", () => {
  const raw = { devices: { d: { kind: "modbus" } } };
  assert.equal(expand(raw).config, raw);
});
