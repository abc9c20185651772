// The OPC UA device actor against the simulator in its own process: every built-in type arrives
// with the node's type and its source timestamp (compared with a bare node-opcua client's read),
// and a deadband keeps small changes back while an unfiltered twin of the tag sees them.
import assert from "node:assert/strict";
import { AttributeIds, OPCUACertificateManager, OPCUAClient } from "node-opcua";
import { eventually, freePort } from "../helpers/net.ts";
import type { History } from "../fixtures/opcua_history_actor.ts";
import { startRig } from "../helpers/opcua_rig.ts";
import { OpcuaSimProcess } from "../helpers/opcua_sim_process.ts";

const TYPES = {
  Boolean: ["bool", 1],
  SByte: ["int16", -8],
  Byte: ["uint16", 200],
  Int16: ["int16", -12345],
  UInt16: ["uint16", 54321],
  Int32: ["int32", -123456789],
  UInt32: ["uint32", 3123456789],
  Int64: ["int64", -1234567890123],
  UInt64: ["uint64", 9007199254740991],
  Float: ["float32", 123.5],
  Double: ["float64", -98765.4321],
  String: ["string", "Tagflow!"],
  DateTime: ["string", "2026-01-01T00:00:00.000Z"],
} as const;

/** Source timestamps as a client no one here wrote reads them. */
async function sourceTimes(endpoint: string, pki: string, nodes: string[]): Promise<number[]> {
  const manager = new OPCUACertificateManager({ rootFolder: pki, disableFileWatchers: true });
  const client = OPCUAClient.create({
    clientCertificateManager: manager,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
  });
  try {
    await client.connect(endpoint);
    const session = await client.createSession();
    const values = await session.read(
      nodes.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
    );
    await session.close();
    return values.map((v) => v.sourceTimestamp!.getTime());
  } finally {
    await client.disconnect();
    await manager.dispose();
  }
}

const last = (h: History | undefined) => h?.samples.at(-1);

Deno.test("opcua: subscribed values with their types and source timestamps; a deadband holds small changes back", async (t) => {
  const pkiDir = await Deno.makeTempDir({ prefix: "opcua-sub-" });
  const sim = new OpcuaSimProcess({ port: freePort(), pkiDir: `${pkiDir}/sim` });
  await sim.start();
  const rig = await startRig({
    endpoint: sim.endpoint,
    pki_dir: `${pkiDir}/gw`,
    reconnect: { initial_ms: 100, max_ms: 500 },
    subscription: { publishing_interval_ms: 100, sampling_interval_ms: 50 },
    groups: { polled: { interval_ms: 100 } },
    tags: [
      { name: "polled_int32", node_id: "ns=1;s=Types.Int32", group: "polled" },
      ...Object.keys(TYPES).map((type) => ({ name: `t_${type}`, node_id: `ns=1;s=Types.${type}` })),
      { name: "temperature", node_id: "ns=1;s=Compressor2.Temperature", unit: "degC" },
      { name: "run_status", node_id: "ns=1;s=Compressor2.RunStatus" },
      {
        name: "setpoint",
        node_id: "ns=1;s=Compressor2.PressureSetpoint",
        deadband: { type: "absolute", value: 0.5 },
      },
      {
        name: "setpoint_pct",
        node_id: "ns=1;s=Compressor2.PressureSetpoint",
        deadband: { type: "percent", value: 5 }, // of its EURange 0–16 bar: 0.8
      },
      { name: "setpoint_raw", node_id: "ns=1;s=Compressor2.PressureSetpoint", writable: true },
      { name: "missing", node_id: "ns=1;s=Compressor2.NoSuchThing" },
      { name: "by_uri", node_id: `nsu=urn:tagflow:sim:${sim.opts.port};s=Types.Int16` },
      { name: "no_such_uri", node_id: "nsu=urn:nowhere;s=Types.Int16" },
    ],
  });
  try {
    const seen = await eventually("a value of every tag", async () => {
      const d = await rig.dump();
      return Object.keys(d).length >= Object.keys(TYPES).length + 9 ? d : undefined;
    });
    await t.step("every built-in type with its value and type", () => {
      for (const [type, [tagType, value]] of Object.entries(TYPES)) {
        const h = seen[`c2/t_${type}`];
        assert.equal(h.type, tagType, `${type} registered as`);
        assert.equal(last(h)?.quality, "good", `${type}: ${last(h)?.reason}`);
        assert.equal(last(h)?.value, value, type);
      }
      assert.equal(seen["c2/run_status"].type, "bool");
      assert.equal(seen["c2/temperature"].unit, "degC", "the configured unit wins");
      assert.equal(seen["c2/setpoint"].unit, "bar", "else the node's EngineeringUnits");
      assert.equal(seen["c2/run_status"].unit, undefined, "no EngineeringUnits, no unit");
      assert.equal(seen["c2/temperature"].type, "float64");
      assert.ok(typeof last(seen["c2/temperature"])?.value === "number");
    });
    await t.step("source timestamps, as a bare client reads them", async () => {
      const names = Object.keys(TYPES);
      const times = await sourceTimes(
        sim.endpoint,
        `${pkiDir}/bare`,
        names.map((n) => `ns=1;s=Types.${n}`),
      );
      names.forEach((n, i) => {
        const h = seen[`c2/t_${n}`];
        assert.equal(last(h)?.ts, times[i], `${n}: ${JSON.stringify(h.samples)}`);
      });
    });
    await t.step("a read-polled tag is read every interval, changed or not", async () => {
      const h = await eventually("three polls", async () => {
        const h = (await rig.dump())["c2/polled_int32"];
        return h?.samples.length >= 3 ? h : undefined;
      });
      assert.equal(h.type, "int32");
      assert.ok(h.samples.every((s) => s.value === -123456789 && s.quality === "good"));
      assert.equal((await rig.dump())["c2/t_Int32"].samples.length, 1, "subscribed: once");
    });
    await t.step("a namespace given by URI is found in the server's namespace array", () => {
      assert.equal(last(seen["c2/by_uri"])?.value, -12345);
      assert.equal(seen["c2/by_uri"].type, "int16");
      const unknown = last(seen["c2/no_such_uri"]);
      assert.equal(unknown?.quality, "bad");
      assert.equal(unknown?.reason, "BadNodeIdUnknown: no namespace urn:nowhere");
    });
    await t.step("an unknown node is bad with the server's status name", () => {
      const m = last(seen["c2/missing"]);
      assert.equal(m?.quality, "bad");
      assert.equal(m?.value, null);
      assert.equal(m?.reason, "BadNodeIdUnknown");
    });
    await t.step(
      "deadbands of 0.5 and of 5 % of 0–16 hold back changes of 0.1 and 0.2",
      async () => {
        for (const value of [7.6, 7.7, 8.5]) {
          assert.equal((await rig.write("setpoint_raw", value)).ok, true);
          await eventually(
            `the unfiltered twin sees ${value}`,
            async () => last((await rig.dump())["c2/setpoint_raw"])?.value === value || undefined,
          );
        }
        const d = await rig.dump();
        assert.deepEqual(d["c2/setpoint_raw"].samples.map((s) => s.value), [7.5, 7.6, 7.7, 8.5]);
        await eventually(
          "the filtered tag sees 8.5",
          async () => last((await rig.dump())["c2/setpoint"])?.value === 8.5 || undefined,
        );
        assert.deepEqual((await rig.dump())["c2/setpoint"].samples.map((s) => s.value), [7.5, 8.5]);
        await eventually(
          "the percent-filtered tag sees 8.5",
          async () => last((await rig.dump())["c2/setpoint_pct"])?.value === 8.5 || undefined,
        );
        const pct = (await rig.dump())["c2/setpoint_pct"].samples;
        assert.deepEqual(
          pct.map((s) => s.value),
          [7.5, 8.5],
        );
      },
    );
  } finally {
    await rig.stop();
    await sim.stop();
    await Deno.remove(pkiDir, { recursive: true });
  }
});
