// An OPC UA device whose every item turns bad (the simulator's fault switch, as a PLC whose
// field bus failed) is degraded with the status as the reason while its session stays up, /ready
// answers 503 naming it, and it runs again once the items are good. One item that is bad from the
// start (an unknown node) only shows in the count of bad tags.
import assert from "node:assert/strict";
import { startOpcuaSim } from "../../actors/opcua/sim_server.ts";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

interface Actor {
  id: string;
  state: string;
  reason?: string;
}

Deno.test("OPC UA: all items bad → the device degraded, /ready 503; good again → running", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-health-" });
  const sim = await startOpcuaSim({ port: freePort(), pkiDir: `${dir}/sim`, tickMs: 100 });
  const api = freePort();
  const gw = await GatewayProcess.start({
    api: { port: api },
    devices: {
      compressor2: {
        kind: "opcua",
        endpoint: sim.endpoint,
        pki_dir: `${dir}/gw`,
        subscription: { publishing_interval_ms: 200, sampling_interval_ms: 100 },
        tags: [
          { name: "temperature", node_id: "ns=1;s=Compressor2.Temperature" },
          { name: "current", node_id: "ns=1;s=Compressor2.MotorCurrent" },
          { name: "missing", node_id: "ns=1;s=Compressor2.NoSuchVariable" },
        ],
      },
    },
  }, api);
  const device = async () => {
    const list = (await gw.get("/api/actors")).body as Actor[];
    return list.find((a) => a.id === "compressor2")!;
  };
  try {
    await gw.healthy();
    await eventually("running, one tag of three bad", async () => {
      const d = await device();
      if (d.state !== "running" || d.reason !== "1 of 3 tags bad") {
        throw new Error(`${d.state}: ${d.reason}`);
      }
      return true;
    });
    assert.equal((await gw.get("/ready")).status, 200);

    sim.fault("BadDeviceFailure");
    const degraded = await eventually("degraded once every item is bad", async () => {
      const d = await device();
      return d.state === "degraded" ? d : undefined;
    });
    assert.equal(degraded.reason, "all 3 tags bad: BadDeviceFailure");
    const ready = await gw.get("/ready");
    assert.equal(ready.status, 503);
    const named = (ready.body as { actors: Actor[] }).actors.map((a) => `${a.id}:${a.state}`);
    assert.deepEqual(named, ["compressor2:degraded"]);

    sim.fault();
    await eventually("running again once the items are good", async () => {
      const d = await device();
      if (d.state !== "running") throw new Error(`${d.state}: ${d.reason}`);
      return true;
    });
    await eventually(
      "/ready 200 again",
      async () => (await gw.get("/ready")).status === 200 || undefined,
    );
  } finally {
    await gw.stop();
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
