import assert from "node:assert/strict";
import { EnvVault } from "./env.ts";

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
