import assert from "node:assert/strict";
import type { OpcuaDeviceConfig } from "./config.ts";
import { OPCUACertificateManager, OPCUAClient } from "node-opcua";
import { parse } from "jsonc-parser";
import { parseConfig } from "../../src/gateway_config.ts";
import { discover, snippet, tagName } from "./discover.ts";
import { startOpcuaSim } from "./sim_server.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("tag names from browse paths", () => {
  assert.equal(tagName(["Compressor2", "MotorCurrent"]), "compressor2_motor_current");
  assert.equal(tagName(["Line 3", "Temp (°C)"]), "line_3_temp_c");
  assert.equal(tagName(["--"]), "tag");
});

Deno.test("discover: the simulator's variables become a device config that validates", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-discover-" });
  const sim = await startOpcuaSim({ port: freePort(), pkiDir: `${dir}/sim` });
  const manager = new OPCUACertificateManager({
    rootFolder: `${dir}/gw`,
    disableFileWatchers: true,
  });
  const client = OPCUAClient.create({
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
    clientCertificateManager: manager,
  });
  try {
    await client.connect(sim.endpoint);
    const session = await client.createSession();
    const found = await discover(session);
    const below = await discover(session, { node: "ns=1;s=Compressor2" });
    const byUri = await discover(session, { node: "ns=1;s=Compressor2", uris: true });
    await session.close();
    assert.deepEqual(found.find((f) => f.name === "compressor2_signal_light"), {
      name: "compressor2_signal_light",
      node_id: "ns=1;s=Compressor2.SignalLight",
      type: "Boolean",
      writable: true,
    });
    assert.deepEqual(found.find((f) => f.name === "compressor2_temperature"), {
      name: "compressor2_temperature",
      node_id: "ns=1;s=Compressor2.Temperature",
      type: "Double",
      writable: false,
    });
    assert.equal(found.find((f) => f.node_id === "ns=1;s=Types.UInt64")?.type, "UInt64");
    assert.ok(
      found.every((f) => !f.node_id.startsWith("i=")),
      "the standard Server object is left out",
    );
    assert.deepEqual(below.map((f) => f.name), [
      "temperature",
      "motor_current",
      "vibration",
      "run_status",
      "signal_light",
      "pressure_setpoint",
    ]);
    assert.equal(byUri[0].node_id, `nsu=urn:tagflow:sim:${sim.port};s=Compressor2.Temperature`);
    const text = snippet("compressor2", { kind: "opcua", endpoint: sim.endpoint }, found);
    const config = parseConfig(JSON.stringify(parse(text)), "discovered", () => undefined);
    const device = config.devices.compressor2 as OpcuaDeviceConfig;
    assert.equal(device.kind, "opcua");
    assert.equal(device.kind === "opcua" && device.tags.length, found.length);
  } finally {
    await client.disconnect();
    await manager.dispose();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task discover: signed, encrypted, as a user; stdout is the config alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-discover-" });
  const sim = await startOpcuaSim({ port: freePort(), pkiDir: `${dir}/sim`, users: { op: "pw" } });
  try {
    const args = [
      "run",
      "--allow-all",
      new URL("./discover.ts", import.meta.url).pathname,
      sim.endpoint,
      ...["--id", "c2", "--node", "ns=1;s=Compressor2", "--pki-dir", `${dir}/gw`],
      ...["--security-policy", "Aes256_Sha256_RsaPss", "--security-mode", "SignAndEncrypt"],
      ...["--username", "op", "--trust-on-first-use"],
    ];
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      env: { OPCUA_PASSWORD: "pw" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const [stdout, stderr] = [out.stdout, out.stderr].map((b) => new TextDecoder().decode(b));
    assert.equal(out.code, 0, stderr);
    assert.match(stderr, /6 variables below ns=1;s=Compressor2/);
    const env = (name: string) => name === "OPCUA_PASSWORD" ? "pw" : undefined;
    const config = parseConfig(JSON.stringify(parse(stdout)), "stdout", env);
    const device = config.devices.c2 as OpcuaDeviceConfig;
    assert.ok(device.kind === "opcua");
    assert.equal(device.security_mode, "SignAndEncrypt");
    assert.deepEqual(device.auth, { type: "username", username: "op", password: "pw" });
    assert.equal(device.tags.find((t) => t.name === "signal_light")?.writable, true);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
