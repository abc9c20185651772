// `deno task start` with no broker: the process serves /health, /ready names the mqtt sink as
// degraded; once a broker comes up /ready turns 200 and values flow. Then SIGINT (Ctrl-C) exits 0.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { PrivateBroker, subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";

interface NotReady {
  status: string;
  actors: { id: string; role: string; state: string; reason?: string }[];
}

Deno.test("no broker: /health 200, /ready 503 naming the mqtt sink; broker up: /ready 200 and values flow", async () => {
  const [sim, api, mqttPort] = [freePort(), freePort(), freePort()];
  const config = {
    api: { port: api },
    simulators: { demo_sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 200 } },
    devices: {
      demo: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 200,
        tags: [{ name: "temperature", address: "1!40001", type: "int16" }],
      },
    },
    sinks: {
      mqtt: {
        kind: "mqtt",
        url: `mqtt://127.0.0.1:${mqttPort}`,
        reconnect: { initial_ms: 200, max_ms: 2000 },
      },
    },
  };
  const broker = new PrivateBroker(mqttPort);
  const gw = await GatewayProcess.start(config, api);
  try {
    await gw.healthy();
    // The others may still be starting at first; wait until only the sink is left out.
    const notReady = await eventually("/ready 503 naming only the degraded mqtt sink", async () => {
      const r = await gw.get("/ready");
      const body = r.body as NotReady;
      const onlySink = body.actors?.length === 1 && body.actors[0].id === "mqtt" &&
        body.actors[0].state === "degraded";
      return r.status === 503 && onlySink ? body : undefined;
    });
    assert.equal(notReady.status, "not_ready");
    const mqtt = notReady.actors.find((a) => a.id === "mqtt")!;
    assert.equal(mqtt.role, "sink");
    assert.match(
      mqtt.reason ?? "",
      new RegExp(`Cannot connect to mqtt://127\\.0\\.0\\.1:${mqttPort}`),
    );
    assert.equal((await gw.get("/health")).status, 200, "the process still serves");

    await broker.start();
    const sub = subscribe("#", 3, { port: mqttPort, timeoutS: 30 });
    await sub.ready;
    const ready = await eventually("/ready 200 after the broker came up", async () => {
      const r = await gw.get("/ready");
      return r.status === 200 ? r.body : undefined;
    });
    assert.deepEqual(ready, { status: "ready" });
    const messages = await sub.messages;
    assert.equal(messages.length, 3, "values flow to the new broker");
    for (const m of messages) {
      assert.equal(m.topic, "demo/temperature");
      const v = JSON.parse(m.payload).value;
      assert.ok(v >= 280 && v < 310, `temperature ${v}`);
    }
  } finally {
    const { code, stdout, stderr } = await gw.stop("SIGINT");
    await broker.stop();
    assert.equal(code, 0);
    const degradedLines = (stdout + stderr).split("\n").filter((l) =>
      l.includes('"actor degraded"') && l.includes('"mqtt"')
    );
    assert.equal(degradedLines.length, 1, "one log line per state change, not one per retry");
  }
});
