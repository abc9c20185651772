// End to end: built-in Modbus simulators → Modbus device actors → MQTT sink → real Mosquitto →
// an independent subscriber (mosquitto_sub), all driven by a config file as a user writes it.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { freePort } from "../helpers/net.ts";

Deno.test("simulated compressor and seed-001 device reach Mosquitto scaled, on their UNS topics", async () => {
  const prefix = `e2e_${crypto.randomUUID().slice(0, 8)}/`;
  const [plc, demo, api] = [freePort(), freePort(), freePort()];
  const config = {
    api: { port: api },
    uns: { enterprise: "acme", site: "remote_plant_1", area: "utilities", line: "compressed_air" },
    simulators: {
      plc_sim: { kind: "modbus", port: plc, profile: "compressor" },
      demo_sim: { kind: "modbus", port: demo, profile: "seed001" },
    },
    devices: {
      compressor1: {
        kind: "modbus",
        host: "127.0.0.1",
        port: plc,
        interval_ms: 500,
        tags: [
          { name: "temperature", address: "1!40001", type: "int16", scale: 0.16, unit: "degC" },
          { name: "run_status", address: "1!00001", type: "bool" },
        ],
      },
      demo: {
        kind: "modbus",
        host: "127.0.0.1",
        port: demo,
        interval_ms: 500,
        uns: { area: "lab", line: "demo_line" },
        tags: [
          { name: "temperature", address: "1!40001", type: "int16" },
          { name: "humidity", address: "1!40002", type: "int16" },
        ],
      },
    },
    // A client id of its own: tests run side by side on one broker.
    sinks: {
      mqtt: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        client_id: prefix.slice(0, -1),
        topic_prefix: prefix,
        qos: 1,
      },
    },
  };
  const sub = subscribe(`${prefix}#`, 16, { timeoutS: 30 });
  await sub.ready;
  const gw = await GatewayProcess.start(config, api);
  const messages = await sub.messages;
  const { code } = await gw.stop();
  assert.equal(code, 0, "clean exit on SIGTERM");
  assert.equal(messages.length, 16, `received ${messages.length} of 16`);

  const base = `${prefix}acme/remote_plant_1`;
  const byTopic = new Map<
    string,
    { value: unknown; ts: number; quality: string; unit?: string }[]
  >();
  for (const m of messages) {
    const list = byTopic.get(m.topic) ?? [];
    list.push(JSON.parse(m.payload));
    byTopic.set(m.topic, list);
  }
  assert.deepEqual([...byTopic.keys()].sort(), [
    `${base}/lab/demo_line/demo/humidity`,
    `${base}/lab/demo_line/demo/temperature`,
    `${base}/utilities/compressed_air/compressor1/run_status`,
    `${base}/utilities/compressed_air/compressor1/temperature`,
  ]);
  const check = (topic: string, ok: (v: unknown) => boolean) => {
    for (const p of byTopic.get(`${base}/${topic}`)!) {
      assert.equal(p.quality, "good", `${topic}: ${JSON.stringify(p)}`);
      assert.ok(
        Number.isInteger(p.ts) && Math.abs(Date.now() - p.ts) < 120_000,
        `${topic} ts ${p.ts}`,
      );
      assert.ok(ok(p.value), `${topic} value ${p.value} out of range`);
    }
  };
  // The compressor simulator keeps 62–82 °C as raw = °C / 0.16; the gateway scales it back.
  check(
    "utilities/compressed_air/compressor1/temperature",
    (v) => typeof v === "number" && v >= 60 && v <= 85,
  );
  check("utilities/compressed_air/compressor1/run_status", (v) => typeof v === "boolean");
  check(
    "lab/demo_line/demo/temperature",
    (v) => Number.isInteger(v) && (v as number) >= 280 && (v as number) < 310,
  );
  check(
    "lab/demo_line/demo/humidity",
    (v) => Number.isInteger(v) && (v as number) >= 700 && (v as number) < 730,
  );
  assert.equal(
    byTopic.get(`${base}/utilities/compressed_air/compressor1/temperature`)![0].unit,
    "degC",
  );
});
