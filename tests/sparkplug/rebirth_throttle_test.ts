// A storm of rebirth requests (NCMD Node Control/Rebirth) is answered once per
// rebirth_min_interval_ms: five requests right after the birth bring one NBIRTH, at the end of the
// interval, with the same bdSeq; data goes on meanwhile.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import mqtt from "mqtt";
import { encodePayload } from "../../actors/sparkplug/proto.ts";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { freePort } from "../helpers/net.ts";
import { bdSeqOf, SparkplugWatch } from "../helpers/sparkplug.ts";

Deno.test("sparkplug: five rebirth requests in a burst bring one NBIRTH, at the interval's end", async () => {
  const group = `g${crypto.randomUUID().slice(0, 8)}`;
  const dir = await Deno.makeTempDir({ prefix: "sparkplug-storm-" });
  const [sim, api] = [freePort(), freePort()];
  const gw = await GatewayProcess.start({
    gateway: { name: "edge12" },
    api: { port: api },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 50 } },
    devices: {
      demo: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 50,
        tags: [{ name: "temperature", address: "1!40001", type: "int16" }],
      },
    },
    sinks: {
      sp: {
        kind: "sparkplug",
        url: "mqtt://127.0.0.1:1883",
        group_id: group,
        rebirth_min_interval_ms: 2000,
        batch: { max_linger_ms: 0 },
        buffer: { dir: `${dir}/sp`, fsync: "never" },
      },
    },
  }, api);
  const watch = new SparkplugWatch(group);
  const host = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${group}-host` });
  try {
    await watch.ready;
    const first = await watch.until("the NBIRTH", (all) => all.find((m) => m.type === "NBIRTH"));
    const rebirth = Buffer.from(encodePayload({
      timestamp: Date.now(),
      metrics: [{ name: "Node Control/Rebirth", datatype: 11, boolean_value: true }],
    }));
    for (let i = 0; i < 5; i++) {
      await host.publishAsync(`spBv1.0/${group}/NCMD/edge12`, rebirth, { qos: 1 });
    }
    const births = await watch.until("a second NBIRTH", (all) => {
      const b = all.filter((m) => m.type === "NBIRTH");
      return b.length >= 2 ? b : undefined;
    });
    assert.equal(bdSeqOf(births[1]), bdSeqOf(first), "the same bdSeq");
    // Data goes on after it (60 DDATA at 50 ms: past where another rebirth would have come);
    // still the one rebirth.
    const all = await watch.until("60 DDATA after the rebirth", (all) => {
      const after = all.slice(all.indexOf(births[1]));
      return after.filter((m) => m.type === "DDATA").length >= 60 ? all : undefined;
    });
    assert.equal(all.filter((m) => m.type === "NBIRTH").length, 2, "one rebirth for five requests");
  } finally {
    await host.endAsync();
    watch.close();
    await gw.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
