// The sink's buffer on a disk that fills up (a 512 KB tmpfs) while PostgreSQL is away: the sink
// says so (degraded, "no space left…"), holds what comes back (when_full block: the source's own
// buffer keeps the stream), and once the disk has room and the database is back, every message
// is stored once. Needs root for the mount.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { PrivateBroker } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";
import { TcpProxy } from "../helpers/tcp_proxy.ts";

const TOTAL = 4000;
const run = (...args: string[]) => {
  const out = new Deno.Command(args[0], { args: args.slice(1), stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
};

type Actor = { id: string; state: string; reason?: string; counters: Record<string, number> };

Deno.test("the sink's disk fills while PostgreSQL is away: degraded with the reason, nothing lost or doubled once there is room", async () => {
  const id = `df_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const dir = await Deno.makeTempDir({ prefix: "disk-full-" });
  const small = `${dir}/small`;
  await Deno.mkdir(small);
  run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", small);
  // A broker that queues without limit: the publisher may run ahead of the gateway.
  const broker = await PrivateBroker.queueing(`${dir}/broker`);
  const url = broker.url;
  const pg = new TcpProxy(freePort(), 5432);
  pg.restore();
  const api = freePort();
  const gw = await GatewayProcess.start({
    api: { port: api },
    devices: {
      meter: {
        kind: "mqtt",
        url,
        client_id: id,
        subscriptions: [{ topic: `${id}/#`, qos: 1 }],
        mapping: { timestamp_path: "ts" },
        buffer: { dir: `${dir}/meter`, fsync: "never" },
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: `postgres://postgres@127.0.0.1:${pg.port}/test`,
        table: id,
        timeout_ms: 2000,
        // Far more than the disk holds: the disk fills first.
        buffer: { dir: `${small}/db`, fsync: "never", max_bytes: 64 << 20, segment_bytes: 32768 },
        batch: { max_samples: 100, max_linger_ms: 10 },
      },
    },
  }, api);
  const pub = await mqtt.connectAsync(url, { clientId: `${id}-pub` });
  const sink = async () =>
    ((await gw.get("/api/actors")).body as Actor[]).find((a) => a.id === "db")!;
  // ~0.5 KB a message (a text tag beside n): 4,000 of them need 4× the small disk.
  const pad = "x".repeat(400);
  try {
    await gw.healthy();
    await eventually(
      "all running",
      async () =>
        ((await gw.get("/api/actors")).body as Actor[]).every((a) => a.state === "running") ||
        undefined,
    );
    // Stored up to here, then the database goes away.
    for (let i = 0; i < 200; i++) {
      await pub.publishAsync(`${id}/m`, JSON.stringify({ ts: 1_700_000_000_000 + i, n: i, pad }), {
        qos: 1,
      });
    }
    await eventually(
      "200 rows",
      async () =>
        Number(await psql(`SELECT count(*) FROM ${id} WHERE path LIKE '%/n'`)) === 200 || undefined,
    );
    pg.cut();
    for (let i = 200; i < TOTAL; i++) {
      await pub.publishAsync(`${id}/m`, JSON.stringify({ ts: 1_700_000_000_000 + i, n: i, pad }), {
        qos: 1,
      });
    }
    const stalled = await eventually("the sink reports the full disk", async () => {
      const s = await sink();
      return s.counters.disk_full === 1 ? s : undefined;
    });
    assert.equal(stalled.state, "degraded");
    assert.match(stalled.reason ?? "", /no space left on the disk of .*small\/db/);
    // Room again, and the database back.
    run("mount", "-o", "remount,size=16m", small);
    pg.restore();
    const stored = await eventually(`${TOTAL} rows`, async () => {
      const [rows, distinct, min, max] = (await psql(
        `SELECT count(*), count(DISTINCT value), min(value), max(value) FROM ${id}
         WHERE path LIKE '%/n'`,
      )).split("|").map(Number);
      if (rows < TOTAL) throw new Error(`${rows} rows`);
      return { rows, distinct, min, max };
    }, 90_000);
    assert.deepEqual(stored, { rows: TOTAL, distinct: TOTAL, min: 0, max: TOTAL - 1 });
    const after = await sink();
    assert.equal(after.counters.disk_full, 0);
    assert.equal(after.counters.dropped ?? 0, 0, "nothing dropped under when_full block");
  } finally {
    if (Deno.env.get("FAULT_TRACE")) {
      console.log(JSON.stringify((await gw.get("/api/actors")).body));
    }
    await pub.endAsync();
    const { stderr } = await gw.stop();
    if (Deno.env.get("FAULT_TRACE")) console.log(stderr);
    pg.cut();
    await broker.stop();
    run("umount", "-l", small);
    await psql(`DROP TABLE IF EXISTS ${id}`);
    await Deno.remove(dir, { recursive: true });
  }
});
