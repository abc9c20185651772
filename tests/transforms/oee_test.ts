// OEE from config alone: the compressor simulator's run status and part counters through an oee
// transform: the last hour's quality equals good ÷ total from the counters' own readings (as the
// broker carried them), performance the ideal cycle × parts ÷ running time, and oee the product
// of the three; the figures sit next to the compressor's tags in the Unified Namespace.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";

interface Msg {
  value: number | boolean;
  ts: number;
  quality: string;
}

Deno.test("oee transform: a line's OEE from the simulator's run status and counters", async () => {
  const prefix = `oee_${crypto.randomUUID().slice(0, 8)}/`;
  const [sim, api] = [freePort(), freePort()];
  const sub = subscribe(`${prefix}#`, 1_000_000, { timeoutS: 60 });
  const gw = await GatewayProcess.start({
    api: { port: api },
    uns: { enterprise: "acme", site: "remote_plant_1", line: "line1" },
    simulators: { sim: { kind: "modbus", port: sim, profile: "compressor", tick_ms: 100 } },
    devices: {
      compressor1: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 200,
        tags: [
          { name: "run_status", address: "1!00001", type: "bool" },
          { name: "total_parts", address: "1!40005", type: "uint32" },
          { name: "good_parts", address: "1!40007", type: "uint32" },
        ],
      },
    },
    transforms: {
      line1_oee: {
        kind: "oee",
        from: ["compressor1"],
        run_state: { tag: "compressor1/run_status" },
        total_count: "compressor1/total_parts",
        good_count: "compressor1/good_parts",
        ideal_cycle_s: 2,
        interval_ms: 1000,
      },
    },
    sinks: { mqtt: { kind: "mqtt", url: "mqtt://127.0.0.1:1883", topic_prefix: prefix, qos: 1 } },
  }, api);
  const base = `${prefix}acme/remote_plant_1/line1/compressor1/`;
  const of = (tag: string) =>
    sub.received.filter((m) => m.topic === base + tag).map((m) => JSON.parse(m.payload) as Msg);
  try {
    await gw.healthy();
    await sub.ready;
    // Enough parts for a quality to mean something (0.45 a second while running).
    const q = await eventually("the last hour's quality over 10 parts", () => {
      const total = of("total_parts");
      const parts = total.length > 1
        ? (total.at(-1)!.value as number) - (total[0].value as number)
        : 0;
      const quality = of("oee/hour/quality").filter((m) => m.quality === "good").at(-1);
      return parts >= 10 && quality ? quality : undefined;
    }, 60_000);
    const at = (tag: string) => of(tag).filter((m) => m.ts <= q.ts);
    const [total, good] = [at("total_parts"), at("good_parts")];
    const parts = (total.at(-1)!.value as number) - (total[0].value as number);
    const goodParts = (good.at(-1)!.value as number) - (good[0].value as number);
    assert.ok(
      Math.abs((q.value as number) - goodParts / parts) < 0.05,
      `quality ${q.value} vs ${goodParts}/${parts}`,
    );
    const figure = (f: string) => of(`oee/hour/${f}`).find((m) => m.ts === q.ts)!.value as number;
    const [a, p, qq, o] = ["availability", "performance", "quality", "oee"].map(figure);
    assert.ok(a > 0 && a <= 1, `availability ${a}`);
    assert.ok(
      p > 0.5 && p < 1.2,
      `performance ${p} (the simulator runs at 90 % of the ideal rate)`,
    );
    assert.ok(Math.abs(o - a * p * qq) < 1e-9, "oee = availability × performance × quality");
    assert.ok(of("oee/shift/oee").length > 0, "the shift's figures too");
  } finally {
    sub.close();
    await gw.stop();
  }
});
