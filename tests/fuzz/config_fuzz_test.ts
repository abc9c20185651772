// Hostile config files: any text, any JSON, and near-valid configs with fields mangled → a config
// or a ConfigError listing problems by path; never another error.
import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, parseConfig } from "../../src/gateway_config.ts";
import { runs } from "./runs.ts";

const valid = {
  devices: {
    press1: { kind: "modbus", host: "plc", tags: [{ name: "t", address: "1!40001" }] },
  },
  sinks: { out: { kind: "mqtt", url: "mqtt://broker" } },
};

/** A valid config with one field (at a random depth) replaced by anything. */
const mangled = fc.tuple(
  fc.constantFrom(
    ["devices", "press1", "tags"],
    ["devices", "press1"],
    ["devices", "press1", "host"],
    ["sinks", "out", "url"],
    ["sinks"],
    ["gateway"],
    ["routes"],
  ),
  fc.jsonValue(),
).map(([path, value]) => {
  const copy = structuredClone(valid) as Record<string, unknown>;
  let at = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return JSON.stringify(copy);
});

Deno.test("fuzz: any config text is a config or a ConfigError with every problem by path", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        mangled,
      ),
      (text) => {
        try {
          parseConfig(text, "fuzz.jsonc", () => undefined);
        } catch (err) {
          assert.ok(err instanceof ConfigError, `threw ${err}`);
          assert.ok(err.issues.length > 0);
          for (const issue of err.issues) {
            assert.ok(issue.path.length > 0 && issue.message.length > 0);
          }
        }
      },
    ),
    runs(2),
  );
});
