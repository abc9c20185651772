// Filters from config alone on seed 001's device, checked against the raw samples the broker
// carried: report by exception sends humidity only when it moved more than the deadband from the
// last value sent; the swinging door's kept temperatures, joined by lines, stay within the
// deviation of every raw value; both hold back a share, shown as reduction_pct.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";

interface Msg {
  value: number;
  ts: number;
  quality: string;
}

Deno.test("filter transforms: report by exception and swinging door, checked against the raw values", async () => {
  const prefix = `flt_${crypto.randomUUID().slice(0, 8)}/`;
  const [sim, api] = [freePort(), freePort()];
  const sub = subscribe(`${prefix}#`, 1_000_000, { timeoutS: 60 });
  const gw = await GatewayProcess.start({
    api: { port: api },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 100 } },
    devices: {
      demo: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 100,
        tags: [
          { name: "temperature", address: "1!40001", type: "int16" },
          { name: "humidity", address: "1!40002", type: "int16" },
        ],
      },
    },
    transforms: {
      rbe: { kind: "filter", from: ["demo"], tags: ["demo/humidity"], deadband: { absolute: 8 } },
      sdt: {
        kind: "filter",
        from: ["demo"],
        tags: ["demo/temperature"],
        swinging_door: { deviation: 6, max_interval_ms: 60_000 },
      },
    },
    sinks: { mqtt: { kind: "mqtt", url: "mqtt://127.0.0.1:1883", topic_prefix: prefix, qos: 1 } },
  }, api);
  const of = (tag: string) =>
    sub.received.filter((m) => m.topic === `${prefix}demo/${tag}`).map((m) =>
      JSON.parse(m.payload) as Msg
    );
  try {
    await gw.healthy();
    await sub.ready;
    const readyAt = Date.now();
    await eventually(
      "100 raw values of each",
      () => of("temperature").filter((m) => m.ts > readyAt).length >= 100 || undefined,
    );
    const stop = Date.now();
    await eventually(
      "the filtered values up to then",
      () =>
        of("humidity/filtered").some((m) => m.ts > stop) &&
          of("temperature/filtered").filter((m) => m.ts > stop).length > 1 || undefined,
    );

    // Report by exception: each sent value more than 8 from the one sent before; every raw value
    // held back within 8 of the last sent.
    const rawH = of("humidity").filter((m) => m.ts > readyAt && m.ts <= stop);
    const sentH = new Map(of("humidity/filtered").map((m) => [m.ts, m.value]));
    let last: number | undefined;
    for (const r of of("humidity").filter((m) => m.ts <= stop)) {
      if (sentH.has(r.ts)) {
        if (last !== undefined && r.ts > readyAt) {
          assert.ok(Math.abs(r.value - last) > 8, `${r.value} after ${last}`);
        }
        last = r.value;
      } else if (last !== undefined && r.ts > readyAt) {
        assert.ok(Math.abs(r.value - last) <= 8, `held back ${r.value}, last sent ${last}`);
      }
    }
    assert.ok(sentH.size < rawH.length, `${sentH.size} of ${rawH.length} sent`);

    // Swinging door: the kept points' lines within 6 of every raw value between them.
    const kept = of("temperature/filtered").sort((a, b) => a.ts - b.ts);
    for (const r of of("temperature").filter((m) => m.ts > readyAt && m.ts <= stop)) {
      const j = kept.findIndex((k) => k.ts >= r.ts);
      if (j <= 0) continue;
      const [a, b] = [kept[j - 1], kept[j]];
      const line = b.ts === r.ts
        ? b.value
        : a.value + (b.value - a.value) * (r.ts - a.ts) / (b.ts - a.ts);
      assert.ok(Math.abs(line - r.value) <= 6 + 1e-9, `raw ${r.value} at ${r.ts}, line ${line}`);
    }
    const actors = (await gw.get("/api/actors")).body as {
      id: string;
      counters: Record<string, number>;
    }[];
    for (const id of ["rbe", "sdt"]) {
      const pct = actors.find((a) => a.id === id)!.counters.reduction_pct;
      assert.ok(pct > 0 && pct < 100, `${id}: reduction ${pct} %`);
    }
  } finally {
    sub.close();
    await gw.stop();
  }
});
