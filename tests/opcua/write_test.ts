// Writes through the command path to the simulator in its own process: the signal light switched
// on and off and read back by a bare node-opcua client, every built-in type coerced from JSON,
// and the refusals an operator should see.
import assert from "node:assert/strict";
import { eventually, freePort } from "../helpers/net.ts";
import { bareRead } from "../helpers/opcua_bare_read.ts";
import { startRig } from "../helpers/opcua_rig.ts";
import { OpcuaSimProcess } from "../helpers/opcua_sim_process.ts";

/** The signal light as a client no one here wrote reads it. */
const signalLight = (endpoint: string, pki: string) =>
  bareRead(endpoint, pki, "ns=1;s=Compressor2.SignalLight");

const WRITES: [string, unknown, unknown][] = [
  ["Boolean", false, false],
  ["SByte", -100, -100],
  ["Byte", 255, 255],
  ["Int16", -1, -1],
  ["UInt16", 65535, 65535],
  ["Int32", -2147483648, -2147483648],
  ["UInt32", 4294967295, 4294967295],
  ["Int64", "-9007199254740991", -9007199254740991],
  ["UInt64", 12345678901234, 12345678901234],
  ["Float", 1.5, 1.5],
  ["Double", 3.14159, 3.14159],
  ["String", "hello", "hello"],
  ["DateTime", "2026-11-25T12:00:00.000Z", "2026-11-25T12:00:00.000Z"],
];

Deno.test("opcua writes: the signal light on and off, read back; every type coerced; refusals", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-write-" });
  const sim = new OpcuaSimProcess({ port: freePort(), pkiDir: `${dir}/sim` });
  await sim.start();
  const rig = await startRig({
    endpoint: sim.endpoint,
    pki_dir: `${dir}/gw`,
    subscription: { publishing_interval_ms: 100, sampling_interval_ms: 50 },
    tags: [
      { name: "signal_light", node_id: "ns=1;s=Compressor2.SignalLight", writable: true },
      { name: "temperature", node_id: "ns=1;s=Compressor2.Temperature", writable: true },
      { name: "setpoint", node_id: "ns=1;s=Compressor2.PressureSetpoint", writable: true },
      { name: "run_status", node_id: "ns=1;s=Compressor2.RunStatus" },
      ...WRITES.map(([type]) => ({
        name: `t_${type}`,
        node_id: `ns=1;s=Types.${type}`,
        writable: true,
      })),
    ],
  });
  try {
    await eventually("c2 runs", () => rig.status().state === "running" || undefined);
    await t.step(
      "the signal light on and off, read back by the gateway and a bare client",
      async () => {
        for (const on of [true, false, true]) {
          const r = await rig.write("signal_light", on);
          assert.deepEqual(r, {
            ok: true,
            value: { tag: "signal_light", written: on, status: "Good", readback: on },
          });
          assert.equal(await signalLight(sim.endpoint, `${dir}/bare`), on);
          await eventually(`the subscription sees ${on}`, async () => {
            const s = (await rig.dump())["c2/signal_light"]?.samples.at(-1);
            return s?.value === (on ? 1 : 0) || undefined;
          });
        }
      },
    );
    await t.step("every built-in type coerced from JSON and read back", async () => {
      for (const [type, value, readback] of WRITES) {
        const r = await rig.write(`t_${type}`, value);
        assert.equal(r.ok, true, `${type}: ${r.error?.message}`);
        assert.deepEqual((r.value as { readback: unknown }).readback, readback, type);
      }
    });
    await t.step("refusals name the tag and the reason", async () => {
      const refused = async (tag: string, value: unknown, why: RegExp) => {
        const r = await rig.write(tag, value);
        assert.equal(r.ok, false, `${tag} ${value}`);
        assert.match(r.error!.message, why);
      };
      await refused("run_status", true, /Cannot write c2\.run_status: the tag is not writable/);
      await refused("nope", 1, /Cannot write c2\.nope: no such tag/);
      await refused("signal_light", "yes", /expected true or false, got "yes"/);
      await refused("t_Byte", 256, /256 is outside Byte \[0, 255\]/);
      await refused("t_Int16", 1.5, /expected an integer, got 1\.5/);
      await refused("t_UInt64", -1, /-1 is outside UInt64/);
      await refused("t_DateTime", "soon", /expected an ISO 8601 time/);
      // Writable in the config, not on the server: the server's status comes back.
      await refused("temperature", 20, /the server answered BadNotWritable/);
      await refused("setpoint", 20, /the server answered BadOutOfRange/); // EURange 0–16 bar
    });
  } finally {
    await rig.stop();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
