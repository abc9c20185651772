// A broker restart under load: 5,000 points a second (100 messages of 50 values) flow from a
// publisher through a private Mosquitto (persistent sessions, saved at SIGTERM) into the
// gateway's MQTT source, on to PostgreSQL and back out through the MQTT sink to a subscriber.
// The broker is stopped and started mid-stream: PostgreSQL holds every point once; the
// subscriber gets every point (a QoS 1 copy may come twice).
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { PrivateBroker } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";

const MESSAGES = 1500, K = 50;

Deno.test("broker restart under 5,000 points/s: PostgreSQL holds every point once, the MQTT sink delivers every point", async () => {
  const id = `br_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const dir = await Deno.makeTempDir({ prefix: "broker-restart-" });
  const broker = await PrivateBroker.queueing(`${dir}/broker`);
  const url = broker.url;
  const api = freePort();
  const gw = await GatewayProcess.start({
    api: { port: api },
    devices: {
      line: {
        kind: "mqtt",
        url,
        client_id: `${id}-src`,
        keepalive_s: 2,
        reconnect_ms: 200,
        subscriptions: [{ topic: `${id}/in/#`, qos: 1 }],
        mapping: { timestamp_path: "ts" },
        buffer: { dir: `${dir}/line`, fsync: "never" },
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: "postgres://postgres@127.0.0.1:5432/test",
        table: id,
        buffer: { dir: `${dir}/db`, fsync: "never" },
      },
      out: {
        kind: "mqtt",
        url,
        client_id: `${id}-sink`,
        topic_prefix: `${id}/out/`,
        reconnect: { initial_ms: 200, max_ms: 1000 },
      },
    },
  }, api);
  // The subscriber keeps a persistent session, so the broker queues for it across the restart.
  const seen = new Set<string>();
  const sub = await mqtt.connectAsync(url, {
    clientId: `${id}-sub`,
    clean: false,
    reconnectPeriod: 200,
  });
  sub.on("message", (topic, payload) => seen.add(`${topic} ${JSON.parse(String(payload)).ts}`));
  await sub.subscribeAsync(`${id}/out/#`, { qos: 1 });
  const pub = await mqtt.connectAsync(url, {
    clientId: `${id}-pub`,
    clean: false,
    reconnectPeriod: 200,
  });
  const t0 = Date.now();
  try {
    await gw.healthy();
    await eventually("the source subscribed", async () => {
      const actors = (await gw.get("/api/actors")).body as { id: string; state: string }[];
      return actors.every((a) => a.state === "running") || undefined;
    });
    const sent: Promise<unknown>[] = [];
    for (let m = 0; m < MESSAGES; m++) {
      if (m === 500) await broker.stop(); // SIGTERM: the broker saves its sessions
      if (m === 700) await broker.start();
      const values: Record<string, number> = { ts: t0 + m };
      for (let j = 0; j < K; j++) values[`v${j}`] = m;
      // Published while the broker is away too: the client queues them and sends on reconnect.
      sent.push(pub.publishAsync(`${id}/in/m`, JSON.stringify(values), { qos: 1 }));
      // Paces the publisher on purpose: 100 messages (5,000 points) a second.
      if (m % 10 === 9) await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(sent);
    const points = MESSAGES * K;
    const stored = await eventually(`${points} rows`, async () => {
      const [rows, distinct] = (await psql(
        `SELECT count(*), count(DISTINCT (path, time)) FROM ${id}`,
      )).split("|").map(Number);
      if (rows < points) throw new Error(`${rows} rows`);
      return { rows, distinct };
    }, 90_000);
    assert.deepEqual(stored, { rows: points, distinct: points }, "PostgreSQL: every point once");
    await eventually(`${points} points through the MQTT sink`, () => {
      if (seen.size < points) throw new Error(`${seen.size} distinct points`);
      return true;
    }, 90_000);
    assert.equal(seen.size, points);
  } finally {
    await pub.endAsync(true);
    await sub.endAsync(true);
    await gw.stop();
    await broker.stop();
    await psql(`DROP TABLE IF EXISTS ${id}`);
    await Deno.remove(dir, { recursive: true });
  }
});
