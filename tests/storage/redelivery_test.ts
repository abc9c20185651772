// Exactly once across crashes for the MQTT source with payloads that carry no timestamp: the
// gateway is killed (-9) again and again while a paced QoS 1 stream flows into PostgreSQL; the
// broker sends again what it had no PUBACK for, and each sequence number must be stored once.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";

const TOTAL = 3000;
const KILLS = 6;

Deno.test("MQTT → PostgreSQL, no timestamps in the payloads, kill -9 six times mid-stream: every message once", async () => {
  const id = `rd_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const dir = await Deno.makeTempDir({ prefix: "redelivery-" });
  const api = freePort();
  const file = `${dir}/config.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      api: { port: api },
      devices: {
        meter: {
          kind: "mqtt",
          url: "mqtt://127.0.0.1:1883",
          client_id: id,
          subscriptions: [{ topic: `${id}/#`, qos: 1 }],
          // No timestamp_path: a sample's time is its message's arrival time.
          buffer: { dir: `${dir}/meter`, fsync: "always" },
        },
      },
      sinks: {
        db: {
          kind: "timescaledb",
          url: "postgres://postgres@127.0.0.1:5432/test",
          table: id,
          buffer: { dir: `${dir}/db`, fsync: "always" },
          batch: { max_samples: 200, max_linger_ms: 10 },
        },
      },
    }),
  );
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${id}-pub` });
  const kill = async (gw: GatewayProcess) => {
    gw.child.kill("SIGKILL");
    await gw.child.status;
    await gw.output;
  };
  // Kill points spread over the stream, at random moments between them (seeded by the run's id
  // so a failure names its schedule in the message).
  let seed = parseInt(id.slice(3, 11), 16);
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const kills = Array.from(
    { length: KILLS },
    (_, k) => Math.floor(((k + 0.2 + 0.6 * random()) * TOTAL) / (KILLS + 1)),
  );
  let gw = new GatewayProcess(file, api);
  const subscribed = () =>
    eventually("the source subscribed", async () => {
      const actors = (await gw.get("/api/actors")).body as { id: string; state: string }[];
      return actors.find((a) => a.id === "meter")?.state === "running" || undefined;
    });
  try {
    await subscribed();
    for (let i = 0; i < TOTAL; i++) {
      await pub.publishAsync(`${id}/m`, JSON.stringify({ n: i }), { qos: 1 });
      if (kills.includes(i)) {
        await kill(gw);
        gw = new GatewayProcess(file, api);
        // The broker keeps what comes meanwhile in the session, but a default Mosquitto drops
        // QoS 1 messages past 1,000 queued: the stream goes on once the gateway is back.
        await subscribed();
      }
      // Paces the publisher on purpose (not a wait for a condition): ~500 messages a second, so
      // each kill lands while messages flow and some are between the buffer and their PUBACK.
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 20));
    }
    const stored = await eventually(`${TOTAL} rows in ${id}`, async () => {
      const [rows, distinct, min, max] = (await psql(
        `SELECT count(*), count(DISTINCT value), min(value), max(value) FROM ${id}`,
      )).split("|").map(Number);
      if (rows < TOTAL) throw new Error(`${rows} rows`);
      return { rows, distinct, min, max };
    }, 60_000);
    assert.deepEqual(
      stored,
      { rows: TOTAL, distinct: TOTAL, min: 0, max: TOTAL - 1 },
      `every sequence number once, after kills at messages ${kills.join(", ")}`,
    );
    const actors = (await gw.get("/api/actors")).body as {
      id: string;
      counters: Record<string, number>;
    }[];
    console.log(
      "redeliveries dropped:",
      actors.find((a) => a.id === "meter")?.counters.redelivered ?? 0,
    );
  } finally {
    await gw.stop();
    await pub.endAsync();
    await psql(`DROP TABLE IF EXISTS ${id}`);
    await Deno.remove(dir, { recursive: true });
  }
});
