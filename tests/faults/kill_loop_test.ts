// kill -9, twenty times at random moments, while a paced QoS 1 stream (no timestamps in the
// payloads) flows through the gateway into PostgreSQL and InfluxDB: every sequence number is
// stored exactly once in each. The schedule comes from a seed printed on failure.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";

const KILLS = 20;
const INFLUX = "http://127.0.0.1:8086";

Deno.test("kill -9 twenty times at random moments under a stream: every message once in PostgreSQL and in InfluxDB", async () => {
  const id = `kl_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const seed = Number(Deno.env.get("KILL_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const dir = await Deno.makeTempDir({ prefix: "kill-loop-" });
  const api = freePort();
  const file = `${dir}/config.json`;
  const sink = { buffer: { fsync: "never" }, batch: { max_samples: 200, max_linger_ms: 10 } };
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
          buffer: { dir: `${dir}/meter`, fsync: "never" },
        },
      },
      sinks: {
        db: {
          kind: "timescaledb",
          url: "postgres://postgres@127.0.0.1:5432/test",
          table: id,
          ...sink,
          buffer: { ...sink.buffer, dir: `${dir}/db` },
        },
        tsdb: {
          kind: "influxdb",
          api: "v1",
          url: INFLUX,
          database: id,
          ...sink,
          buffer: { ...sink.buffer, dir: `${dir}/tsdb` },
        },
      },
    }),
  );
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${id}-pub` });
  let gw = new GatewayProcess(file, api);
  const up = () =>
    eventually("the gateway up and subscribed", async () => {
      const actors = (await gw.get("/api/actors")).body as { id: string; state: string }[];
      return actors.find((a) => a.id === "meter")?.state === "running" || undefined;
    });
  // The stream runs on its own until the killer is done (then 200 more); the killer waits a
  // random 0.3–1.5 s after each restart.
  let sent = 0, kills = 0, tail = Infinity;
  try {
    await up();
    const stream = (async () => {
      for (; sent < tail; sent++) {
        await pub.publishAsync(`${id}/m`, JSON.stringify({ n: sent }), { qos: 1 });
        // Paced on purpose (~200 a second): a default Mosquitto drops QoS 1 messages past
        // 1,000 queued for a subscriber that is away.
        if (sent % 10 === 9) await new Promise((r) => setTimeout(r, 50));
      }
    })();
    for (; kills < KILLS; kills++) {
      await new Promise((r) => setTimeout(r, 300 + random() * 1200));
      gw.child.kill("SIGKILL");
      await gw.child.status;
      await gw.output;
      gw = new GatewayProcess(file, api);
      await up();
    }
    tail = sent + 200;
    await stream;
    const TOTAL = sent;
    console.log(`${KILLS} kills, ${TOTAL} messages (seed ${seed})`);
    const expect = { rows: TOTAL, distinct: TOTAL, min: 0, max: TOTAL - 1 };
    const inPg = await eventually(`${TOTAL} rows in PostgreSQL`, async () => {
      const [rows, distinct, min, max] = (await psql(
        `SELECT count(*), count(DISTINCT value), min(value), max(value) FROM ${id}`,
      )).split("|").map(Number);
      if (rows < TOTAL) throw new Error(`${rows} rows`);
      return { rows, distinct, min, max };
    }, 90_000);
    assert.deepEqual(inPg, expect, `PostgreSQL, ${KILLS} kills (seed ${seed})`);
    const inInflux = await eventually(`${TOTAL} points in InfluxDB`, async () => {
      const q = new URLSearchParams({ db: id, q: `SELECT count(n), min(n), max(n) FROM /.*/` });
      const body = await (await fetch(`${INFLUX}/query?${q}`)).json();
      const [, rows, min, max] = body.results[0].series?.[0].values[0] ?? [0, 0];
      if (rows < TOTAL) throw new Error(`${rows} points`);
      return { rows, distinct: rows, min, max };
    }, 90_000);
    assert.deepEqual(inInflux, expect, `InfluxDB, ${KILLS} kills (seed ${seed})`);
  } finally {
    await gw.stop();
    await pub.endAsync();
    await psql(`DROP TABLE IF EXISTS ${id}`);
    await fetch(`${INFLUX}/query?${new URLSearchParams({ q: `DROP DATABASE "${id}"` })}`, {
      method: "POST",
    }).then((r) => r.body?.cancel(), () => {});
    await Deno.remove(dir, { recursive: true });
  }
});
