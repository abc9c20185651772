// Partitions: the gateway runs in a network namespace of its own and reaches the broker,
// PostgreSQL and InfluxDB through forwarders on the host side of a veth pair; iptables in the
// namespace drops the packets of one link at a time (nothing answers, nothing is refused), or a
// share of them, while a paced QoS 1 stream flows. Every message must be stored once in both
// databases, and each outage must have been seen (writes retried), not merely waited out.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GATEWAY_COMMAND, GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { Netns } from "../helpers/netns.ts";
import { PrivateBroker } from "../helpers/mosquitto.ts";
import { psql } from "../helpers/psql.ts";
import { TcpProxy } from "../helpers/tcp_proxy.ts";

const TOTAL = 3000;
const INFLUX = "http://127.0.0.1:8086";

type Actor = { id: string; state: string; counters: Record<string, number> };

Deno.test("partitions of the broker, PostgreSQL and InfluxDB links (dropped packets, loss, latency): every message once in each database", async () => {
  const id = `pt_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const dir = await Deno.makeTempDir({ prefix: "partition-" });
  // A broker of the test's own that queues without limit: a default Mosquitto drops QoS 1
  // messages past 1,000 queued for a client, which a slow lossy link can reach.
  const mosquitto = await PrivateBroker.queueing(`${dir}/broker`);
  const ns = await Netns.create();
  const broker = new TcpProxy(freePort(), mosquitto.port, ns.hostIp);
  const pg = new TcpProxy(freePort(), 5432, ns.hostIp);
  const influx = new TcpProxy(freePort(), 8086, ns.hostIp);
  for (const p of [broker, pg, influx]) p.restore();
  broker.delayMs = 20; // latency on the broker link throughout
  const api = freePort();
  const config = {
    api: { host: ns.nsIp, port: api },
    devices: {
      meter: {
        kind: "mqtt",
        url: `mqtt://${ns.hostIp}:${broker.port}`,
        client_id: id,
        keepalive_s: 1,
        subscriptions: [{ topic: `${id}/#`, qos: 1 }],
        // No timestamp in the payloads: a redelivered copy must be recognised, not keyed away.
        buffer: { dir: `${dir}/meter`, fsync: "never" },
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: `postgres://postgres@${ns.hostIp}:${pg.port}/test`,
        table: id,
        timeout_ms: 2000,
        buffer: { dir: `${dir}/db`, fsync: "never" },
        batch: { max_samples: 200, max_linger_ms: 20 },
      },
      tsdb: {
        kind: "influxdb",
        api: "v1",
        url: `http://${ns.hostIp}:${influx.port}`,
        database: id,
        timeout_ms: 2000,
        buffer: { dir: `${dir}/tsdb`, fsync: "never" },
        batch: { max_samples: 200, max_linger_ms: 20 },
      },
    },
  };
  const gw = await GatewayProcess.start(config, api, {}, ns.exec(GATEWAY_COMMAND));
  gw.host = ns.nsIp;
  const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, {
    clientId: `${id}-pub`,
  });
  const actors = async () => (await gw.get("/api/actors")).body as Actor[];
  const counter = async (actor: string, name: string) =>
    (await actors()).find((a) => a.id === actor)?.counters[name] ?? 0;
  // The faults, by message number: [at, action].
  const faults: [number, () => Promise<void>, string][] = [
    [300, () => ns.drop(pg.port), "PostgreSQL link dropped"],
    [600, () => ns.drop(influx.port), "InfluxDB link dropped"],
    [900, () => ns.drop(broker.port, 0.2), "20 % loss on the broker link"],
    [1800, () => ns.heal(pg.port), "PostgreSQL link back"],
    [1900, () => ns.heal(influx.port), "InfluxDB link back"],
    [2000, () => ns.heal(broker.port, 0.2), "no loss"],
    [2100, () => ns.drop(broker.port), "broker link dropped"],
    [2600, () => ns.heal(broker.port), "broker link back"],
  ];
  const log: string[] = [];
  try {
    await eventually("the source subscribed", async () => {
      return (await actors()).find((a) => a.id === "meter")?.state === "running" || undefined;
    });
    for (let i = 0; i < TOTAL; i++) {
      for (const [at, act, what] of faults) if (at === i) await act(), log.push(`${i}: ${what}`);
      await pub.publishAsync(`${id}/m`, JSON.stringify({ n: i }), { qos: 1 });
      // Paces the stream on purpose (~150 messages a second), so every fault lasts seconds.
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 60));
    }
    const expect = { rows: TOTAL, distinct: TOTAL, min: 0, max: TOTAL - 1 };
    const inPg = await eventually(`${TOTAL} rows in PostgreSQL`, async () => {
      const [rows, distinct, min, max] = (await psql(
        `SELECT count(*), count(DISTINCT value), min(value), max(value) FROM ${id}`,
      )).split("|").map(Number);
      return rows >= TOTAL ? { rows, distinct, min, max } : undefined;
    }, 90_000);
    assert.deepEqual(inPg, expect, `PostgreSQL: every message once (${log.join("; ")})`);
    const inInflux = await eventually(`${TOTAL} points in InfluxDB`, async () => {
      const q = new URLSearchParams({ db: id, q: `SELECT count(n), min(n), max(n) FROM /.*/` });
      const body = await (await fetch(`${INFLUX}/query?${q}`)).json();
      const [, rows, min, max] = body.results[0].series?.[0].values[0] ?? [0, 0];
      if (rows < TOTAL) throw new Error(`${rows} points: ${JSON.stringify(body).slice(0, 300)}`);
      return { rows, distinct: rows, min, max };
    }, 90_000);
    assert.deepEqual(inInflux, expect, `InfluxDB: every message once (${log.join("; ")})`);
    // The outages were seen: writes failed and were retried; all are back to running.
    assert.ok(await counter("db", "retries") > 0, "PostgreSQL writes were retried");
    assert.ok(await counter("tsdb", "retries") > 0, "InfluxDB writes were retried");
    await eventually(
      "every actor running",
      async () => (await actors()).every((a) => a.state === "running") || undefined,
    );
  } finally {
    await pub.endAsync();
    const { stderr } = await gw.stop();
    if (Deno.env.get("FAULT_TRACE")) console.log(stderr);
    for (const p of [broker, pg, influx]) p.cut();
    await ns.destroy();
    await mosquitto.stop();
    await psql(`DROP TABLE IF EXISTS ${id}`);
    await fetch(`${INFLUX}/query?${new URLSearchParams({ q: `DROP DATABASE "${id}"` })}`, {
      method: "POST",
    }).then((r) => r.body?.cancel(), () => {});
    await Deno.remove(dir, { recursive: true });
  }
});
