// Seed 001 from config alone: the seed's own simulator logic (temperature/humidity into
// 40001/40002 every second, on pymodbus) → tests/fixtures/seeds/seed001.jsonc → Mosquitto on
// /neuron/demo_app/demo/demo_group, one JSON per group poll.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { freePort } from "../helpers/net.ts";
import { PymodbusServer } from "../helpers/pymodbus.ts";

const CONFIG = new URL("../fixtures/seeds/seed001.jsonc", import.meta.url).pathname;

Deno.test("seed 001: a subscriber on /neuron/demo_app/demo/demo_group sees values in range", async () => {
  const [modbusPort, api] = [freePort(), freePort()];
  const server = new PymodbusServer(modbusPort, "seed001");
  await server.start();
  const sub = subscribe("/neuron/demo_app/demo/#", 3, { timeoutS: 30 });
  await sub.ready;
  const gw = new GatewayProcess(CONFIG, api, {
    SEED001_MODBUS_PORT: String(modbusPort),
    TAGFLOW_API_PORT: String(api),
  });
  try {
    const messages = await sub.messages;
    assert.equal(messages.length, 3);
    for (const m of messages) {
      assert.equal(m.topic, "/neuron/demo_app/demo/demo_group");
      const p = JSON.parse(m.payload);
      assert.equal(p.node, "demo");
      assert.equal(p.group, "demo_group");
      assert.ok(Number.isInteger(p.timestamp));
      assert.equal(p.errors, undefined, m.payload);
      assert.ok(p.values.temperature >= 280 && p.values.temperature < 310, m.payload);
      assert.ok(p.values.humidity >= 700 && p.values.humidity < 730, m.payload);
    }
  } finally {
    const { code } = await gw.stop();
    await server.stop();
    assert.equal(code, 0);
  }
});
