// An anomaly transform on an MQTT source's tag: steady values with a little noise score low and
// leave the flag off; a spike sets the flag (once, with its score) and the next ordinary values
// clear it.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";

Deno.test("anomaly transform: a spike in a steady signal flags it, then clears", async () => {
  const prefix = `anm_${crypto.randomUUID().slice(0, 8)}/`;
  const dir = await Deno.makeTempDir({ prefix: "anomaly-" });
  const api = freePort();
  const sub = subscribe(`${prefix}out/#`, 1_000_000, { timeoutS: 60 });
  const gw = await GatewayProcess.start({
    api: { port: api },
    devices: {
      pump: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        subscriptions: [{ topic: `${prefix}in` }],
        mapping: { device: "pump", values_path: "", timestamp_path: "ts" },
        buffer: { dir: `${dir}/pump`, fsync: "never" },
      },
    },
    transforms: {
      watch: {
        kind: "anomaly",
        from: ["pump"],
        tags: ["pump/vibration"],
        method: "mad",
        warmup: 20,
        threshold: 5,
      },
    },
    routes: [{ from: ["watch"], to: ["mqtt"] }],
    sinks: {
      mqtt: { kind: "mqtt", url: "mqtt://127.0.0.1:1883", topic_prefix: `${prefix}out/`, qos: 1 },
    },
  }, api);
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${prefix}pub` });
  const of = (tag: string) =>
    sub.received.filter((m) => m.topic.endsWith(`/pump/vibration/${tag}`)).map((m) =>
      JSON.parse(m.payload) as { value: number | boolean; ts: number; reason?: string }
    );
  try {
    await gw.healthy();
    await sub.ready;
    await eventually(
      "the source subscribed",
      async () =>
        ((await gw.get("/api/actors")).body as { id: string; state: string }[])
            .find((a) => a.id === "pump")?.state === "running" || undefined,
    );
    const base = Date.now();
    const values = Array.from({ length: 60 }, (_, i) => 2.4 + Math.sin(i * 1.3) * 0.05);
    values[45] = 6.0; // the spike
    for (const [i, v] of values.entries()) {
      await pub.publishAsync(`${prefix}in`, JSON.stringify({ vibration: v, ts: base + i * 100 }), {
        qos: 1,
      });
    }
    const flags = await eventually("the flag set and cleared", () => {
      const f = of("anomaly");
      return f.filter((x) => x.value === false).length >= 2 ? f : undefined;
    });
    assert.deepEqual(flags.map((f) => [f.value, f.ts - base]), [[false, 0], [true, 4500], [
      false,
      4600,
    ]]);
    assert.match(flags[1].reason ?? "", /^score \d+\.\d above 5$/);
    const scores = await eventually(
      "60 scores",
      () => of("anomaly_score").length >= 60 ? of("anomaly_score") : undefined,
    );
    assert.ok(
      scores.slice(20, 45).every((s) => (s.value as number) < 5),
      "ordinary values score low",
    );
  } finally {
    await pub.endAsync();
    sub.close();
    await gw.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
