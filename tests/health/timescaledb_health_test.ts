// A PostgreSQL that stays connected but refuses every insert (a trigger raising an error, as a
// full tablespace or a broken extension would): the TimescaleDB sink is degraded with the error
// once writes keep failing and with the age of its backlog past lag_alarm_ms, its lag gauge
// grows, and once the database takes rows again the sink runs, its lag falls back and the rows
// held meanwhile are stored.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";

interface Actor {
  id: string;
  state: string;
  reason?: string;
  counters: Record<string, number>;
}

Deno.test("timescaledb: a database that refuses writes while connected → the sink degraded with its lag", async () => {
  const table = `h_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const dir = await Deno.makeTempDir({ prefix: "pg-health-" });
  const [sim, api] = [freePort(), freePort()];
  const gw = await GatewayProcess.start({
    api: { port: api },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 200 } },
    devices: {
      room: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 200,
        tags: [{ name: "t", address: "1!40001", type: "int16" }],
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: "postgres://postgres@127.0.0.1:5432/test",
        table,
        buffer: { dir: `${dir}/db`, fsync: "never" },
        batch: { max_linger_ms: 50, retry: { initial_ms: 100, max_ms: 400 } },
        health: { degraded_after: 3, lag_alarm_ms: 3000 },
      },
    },
  }, api);
  const sink = async () => {
    const list = (await gw.get("/api/actors")).body as Actor[];
    return list.find((a) => a.id === "db")!;
  };
  const stored = async () => Number(await psql(`SELECT count(*) FROM ${table}`));
  try {
    await gw.healthy();
    await eventually("rows stored", async () => (await stored()) > 0 || undefined);
    await psql(`
      CREATE FUNCTION ${table}_refuse() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'tagflow test: storage refused'; END $$;
      CREATE TRIGGER refuse BEFORE INSERT ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ${table}_refuse();`);
    const before = await stored();

    const failing = await eventually("degraded: writes keep failing", async () => {
      const s = await sink();
      return s.state === "degraded" ? s : undefined;
    });
    assert.match(
      failing.reason ?? "",
      /^writes keep failing: Cannot write: .*tagflow test: storage refused/,
    );
    const late = await eventually("degraded: and the backlog older than lag_alarm_ms", async () => {
      const s = await sink();
      return /; oldest record not stored for \d+ s$/.test(s.reason ?? "") ? s : undefined;
    });
    assert.equal(late.state, "degraded");
    assert.ok(late.counters.lag_ms > 3000, `lag_ms ${late.counters.lag_ms}`);
    assert.ok(late.counters.consecutive_failures >= 3);
    const ready = await gw.get("/ready");
    assert.equal(ready.status, 503);
    assert.deepEqual(
      (ready.body as { actors: Actor[] }).actors.map((a) => `${a.id}:${a.state}`),
      ["db:degraded"],
    );
    assert.equal(await stored(), before, "nothing stored while refused");
    // The sink may open a fresh connection after a refused write; it is seen connected meanwhile.
    await eventually("the sink still connected while refused", async () =>
      Number(
          await psql(
            `SELECT count(*) FROM pg_stat_activity WHERE datname = 'test' AND pid <> pg_backend_pid()`,
          ),
        ) > 0 || undefined);

    await psql(`DROP TRIGGER refuse ON ${table}`);
    const back = await eventually("running again, the lag back under the alarm", async () => {
      const s = await sink();
      if (s.state !== "running" || s.counters.lag_ms > 3000) {
        throw new Error(`${s.state} lag ${s.counters.lag_ms}: ${s.reason}`);
      }
      return s;
    });
    assert.equal(back.counters.consecutive_failures, 0);
    await eventually("the rows held meanwhile stored", async () => {
      const gap = await psql(
        `SELECT coalesce(max(d), 0) FROM (SELECT extract(epoch FROM time - lag(time) OVER (ORDER BY time)) * 1000 AS d FROM ${table}) g`,
      );
      const total = await stored();
      // Polls every 200 ms: no hole in the series as long as the outage (over 3 s).
      return (total > before + 20 && Number(gap) < 1000) || undefined;
    });
  } finally {
    await gw.stop();
    await psql(`DROP TABLE IF EXISTS ${table}; DROP FUNCTION IF EXISTS ${table}_refuse()`);
    await Deno.remove(dir, { recursive: true });
  }
});
