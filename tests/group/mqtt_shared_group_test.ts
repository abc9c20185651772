// Two gateways as one MQTT 5 shared-subscription group storing into PostgreSQL: one is killed
// with -9 mid-stream and started again; every message is stored once. The broker is the test's
// own and queues without limit: a default Mosquitto drops QoS 1 messages past 1,000 queued for a
// session, and the killed member's session queues its share while it is down.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { BASE_TS, groupIntoTable } from "./group_rig.ts";
import { PrivateBroker } from "../helpers/mosquitto.ts";

Deno.test("MQTT shared subscription of two gateways, one killed -9 mid-stream: 0 lost, 0 duplicated", async () => {
  const id = `mg_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const state = await Deno.makeTempDir({ prefix: "group-broker-" });
  const broker = await PrivateBroker.queueing(state);
  const url = broker.url;
  const g = await groupIntoTable(id, (member, dir) => ({
    kind: "mqtt",
    url,
    client_id: `${id}-${member}`,
    subscriptions: [{ topic: `$share/${id}/${id}/#`, qos: 1 }],
    mapping: { timestamp_path: "ts" },
    buffer: { dir, fsync: "always" },
  }));
  const pub = await mqtt.connectAsync(url, {
    clientId: `${id}-pub`,
    protocolVersion: 5,
  });
  const total = 2000;
  try {
    await g.running(0);
    await g.running(1);
    for (let i = 0; i < total; i++) {
      await pub.publishAsync(`${id}/m`, JSON.stringify({ ts: BASE_TS + i, n: i }), { qos: 1 });
      if (i === 700 || i === 1400) await g.killAndRestart(0);
    }
    assert.deepEqual(await g.stored(total), {
      rows: total,
      distinct: total,
      min: 0,
      max: total - 1,
    });
    assert.equal(await g.misdated(), 0, "every row at BASE_TS + its value");
  } finally {
    await g.cleanup();
    await pub.endAsync();
    await broker.stop();
    await Deno.remove(state, { recursive: true });
  }
});
