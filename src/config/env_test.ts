import assert from "node:assert/strict";
import { type ConfigIssue, EnvVault, substituteEnv } from "./env.ts";

Deno.test("the vault keeps referenced variables for reloads and takes them out of the environment", () => {
  const env = new Map([["MQTT_PASSWORD", "pw"], ["OTHER", "x"]]);
  const vault = new EnvVault({
    get: (n) => env.get(n),
    delete: (n) => void env.delete(n),
  });
  assert.equal(vault.lookup("MQTT_PASSWORD"), "pw");
  assert.equal(vault.lookup("MISSING"), undefined);
  vault.scrub();
  assert.equal(env.has("MQTT_PASSWORD"), false, "scrubbed");
  assert.equal(env.get("OTHER"), "x", "not referenced: kept");
  assert.equal(vault.lookup("MQTT_PASSWORD"), "pw", "a reload still sees it");
  assert.deepEqual([...vault.values()], [["MQTT_PASSWORD", "pw"]]);
});

Deno.test("substitution: references replaced, issues by path, the rest not copied", () => {
  const env = (n: string) => ({ HOST: "10.0.0.5" } as Record<string, string>)[n];
  const tags = [{ name: "r0", address: "40001" }];
  const config = {
    devices: {
      a: { host: "${HOST}", port: 502, tags },
      b: { host: "${MISSING}", user: "${USER_NAME:-op}", note: "$${HOST} stays", tags },
    },
    api: { port: 8080 },
  };
  const issues: ConfigIssue[] = [];
  const out = substituteEnv(config, env, issues) as typeof config;
  assert.equal(out.devices.a.host, "10.0.0.5");
  assert.deepEqual(out.devices.b, {
    host: "",
    user: "op",
    note: "${HOST} stays",
    tags,
  });
  assert.deepEqual(issues, [{
    path: "devices.b.host",
    message: "environment variable MISSING is not set",
  }]);
  assert.equal(config.devices.a.host, "${HOST}", "the input is left as it was");
  assert.equal(out.api, config.api, "a subtree without references is the same object");
  assert.equal(out.devices.a.tags, tags);
  const plain = { devices: { c: { host: "h", tags } } };
  assert.equal(substituteEnv(plain, env, []), plain);
});
