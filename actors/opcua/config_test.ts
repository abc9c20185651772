import assert from "node:assert/strict";
import type { OpcuaDeviceConfig } from "./config.ts";
import { ConfigError, parseConfig } from "../../src/gateway_config.ts";

const noEnv = (_name: string) => undefined;

/** The issues of a config with one opcua device made of `extra`. */
function issues(extra: Record<string, unknown>): string[] {
  const device = {
    kind: "opcua",
    endpoint: "opc.tcp://plc:4840/ua",
    tags: [{ name: "t", node_id: "ns=2;s=T" }],
    ...extra,
  };
  try {
    parseConfig(JSON.stringify({ devices: { plc: device } }), "test.jsonc", noEnv);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

Deno.test("an opcua device with defaults: anonymous, no security, subscriptions at 1 s", () => {
  const config = parseConfig(
    JSON.stringify({
      devices: {
        plc: {
          kind: "opcua",
          endpoint: "opc.tcp://plc:4840",
          tags: [{ name: "t", node_id: "i=2258" }],
        },
      },
    }),
    "test.jsonc",
    noEnv,
  );
  const d = config.devices.plc as OpcuaDeviceConfig;
  assert.ok(d.kind === "opcua");
  assert.deepEqual(d.auth, { type: "anonymous" });
  assert.equal(d.security_policy, "None");
  assert.equal(d.trust_on_first_use, false, "trust is never implied");
  assert.equal(d.subscription.sampling_interval_ms, 1000);
  assert.equal(d.pki_dir, "data/pki/opcua");
});

Deno.test("opcua config mistakes are named by path", () => {
  assert.deepEqual(issues({ endpoint: "http://plc" }), [
    'devices.plc.endpoint: expected "opc.tcp://host:port/path"',
  ]);
  assert.deepEqual(issues({ security_policy: "Basic256Sha256" }), [
    'devices.plc.security_mode: policy Basic256Sha256 needs security_mode "Sign" or "SignAndEncrypt"',
  ]);
  assert.deepEqual(issues({ security_mode: "Sign" }), [
    'devices.plc.security_mode: security_mode "Sign" or "SignAndEncrypt" needs a security_policy other than "None"',
  ]);
  assert.match(
    issues({ tags: [{ name: "t", node_id: "Temperature" }] })[0],
    /tags\[0\]\.node_id: expected a node id/,
  );
  assert.deepEqual(
    issues({ tags: [{ name: "t", node_id: "i=1" }, { name: "t", node_id: "i=2" }] }),
    ['devices.plc.tags[1].name: duplicate tag name "t"'],
  );
  assert.deepEqual(issues({ tags: [{ name: "t", node_id: "i=1", group: "slow" }] }), [
    'devices.plc.tags[0].group: no group "slow" in groups',
  ]);
  assert.match(issues({ auth: { type: "username", username: "op" } })[0], /auth\.password/);
  assert.match(
    issues({ subscription: { deadband: { type: "relative", value: 1 } } })[0],
    /deadband\.type/,
  );
});
