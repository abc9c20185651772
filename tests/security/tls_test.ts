// TLS to the databases with a plant's own certificate authority (made for the test): PostgreSQL
// with sslmode=verify-full and sslrootcert, InfluxDB over https:// with ca_file. The servers take
// TLS only. With the wrong CA (or none) the sink refuses the server: degraded, with the reason,
// and nothing written. The gateway runs as `deno task start` runs it, each sink in a worker
// allowed to read its CA file.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { localCa } from "../helpers/local_ca.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { tlsInfluxdb, tlsPostgres } from "../helpers/tls_servers.ts";

type Actor = { id: string; state: string; reason?: string; counters: Record<string, number> };

Deno.test("PostgreSQL verify-full and InfluxDB https with a local CA: stored; a wrong or missing CA is refused with the reason", async () => {
  const ca = await localCa("Plant CA");
  const other = await localCa("Someone else's CA");
  const pg = await tlsPostgres(ca);
  const influx = await tlsInfluxdb(ca);
  const dir = await Deno.makeTempDir({ prefix: "tls-" });
  const [api, sim] = [freePort(), freePort()];
  const pgUrl = (rootcert: string) =>
    `postgres://postgres@localhost:${pg.port}/postgres?sslmode=verify-full&sslrootcert=${rootcert}`;
  const influxSink = (extra: Record<string, unknown>, name: string) => ({
    kind: "influxdb",
    api: "v1",
    url: `https://localhost:${influx.port}`,
    database: "plant",
    buffer: { dir: `${dir}/${name}` },
    batch: { max_linger_ms: 10 },
    ...extra,
  });
  const gw = await GatewayProcess.start({
    api: { port: api },
    simulators: { plc: { kind: "modbus", port: sim, profile: "compressor", tick_ms: 100 } },
    devices: {
      press: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 100,
        tags: [{ name: "t", address: "40001" }],
      },
    },
    sinks: {
      pg_ok: {
        kind: "timescaledb",
        url: pgUrl(ca.ca),
        table: "tls_ok",
        buffer: { dir: `${dir}/pg_ok` },
        batch: { max_linger_ms: 10 },
      },
      pg_bad: {
        kind: "timescaledb",
        url: pgUrl(other.ca),
        table: "tls_bad",
        buffer: { dir: `${dir}/pg_bad` },
      },
      influx_ok: influxSink({ ca_file: ca.ca }, "influx_ok"),
      influx_bad: influxSink({}, "influx_bad"),
    },
  }, api);
  const actors = async () =>
    Object.fromEntries(((await gw.get("/api/actors")).body as Actor[]).map((a) => [a.id, a]));
  const psql = async (sql: string) => {
    const out = await new Deno.Command("psql", {
      args: ["-h", pg.socketDir, "-p", String(pg.port), "-U", "postgres", "-Atc", sql],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  };
  try {
    await eventually("rows over TLS in both databases", async () => {
      const a = await actors();
      if (
        (a.pg_ok?.counters.samples_out ?? 0) < 3 || (a.influx_ok?.counters.samples_out ?? 0) < 3
      ) {
        throw new Error(JSON.stringify(a));
      }
      return true;
    });
    assert.ok(Number(await psql("SELECT count(*) FROM tls_ok")) >= 3);
    const [tls, plain] = (await psql(
      `SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl)
       FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.client_addr IS NOT NULL`,
    )).split("|").map(Number);
    assert.ok(tls >= 1 && plain === 0, `the sink's connections are TLS: ${tls} TLS, ${plain} not`);
    const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(ca.ca)] });
    const q = new URLSearchParams({ db: "plant", q: "SELECT count(t) FROM press" });
    const res = await fetch(`https://localhost:${influx.port}/query?${q}`, { client });
    const count = (await res.json()).results[0].series?.[0].values[0][1] ?? 0;
    client.close();
    assert.ok(count >= 3, `${count} points in InfluxDB over https`);
    const bad = await eventually("the wrong CAs refused", async () => {
      const a = await actors();
      return a.pg_bad.state === "degraded" && a.influx_bad.state === "degraded" ? a : undefined;
    });
    assert.match(bad.pg_bad.reason ?? "", /certificate/i);
    assert.match(bad.influx_bad.reason ?? "", /certificate|UnknownIssuer/i);
    assert.equal(bad.pg_bad.counters.samples_out, 0);
    assert.equal(bad.influx_bad.counters.samples_out, 0);
    assert.equal(await psql("SELECT to_regclass('tls_bad') IS NULL"), "t", "nothing written");
  } finally {
    await gw.stop();
    await pg.stop();
    await influx.stop();
    for (const d of [dir, ca.dir, other.dir]) await Deno.remove(d, { recursive: true });
  }
});
