// Outages: samples keep flowing while the database's port is cut; the sink buffers on disk and,
// once the port is back, every sample arrives exactly once (compared by key).
import assert from "node:assert/strict";
import { influxdbSink } from "../../actors/influxdb/config.ts";
import { timescaledbSink } from "../../actors/timescaledb/config.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { pairSupervisor } from "../helpers/sink_run.ts";
import { TcpProxy } from "../helpers/tcp_proxy.ts";
import { psql } from "../helpers/psql.ts";

const TOTAL = 3000;

/** A counter (values 0…TOTAL-1, one ms apart, 300/s) into one sink, with the port cut midway. */
async function throughOutage(kind: string, config: unknown, proxy: TcpProxy) {
  const { sup, status } = pairSupervisor(
    { id: "dev", kind: "counter", config: { interval_ms: 10, batch: 3, total: TOTAL } },
    { id: "sink", kind, config },
  );
  const sink = () => status("sink");
  const dev = () => status("dev");
  await sup.start();
  try {
    await eventually("some written", () => sink().counters.samples_out > 300 || undefined);
    proxy.cut();
    await eventually("the sink degrades", () => sink().state === "degraded" || undefined);
    const atCut = sink().counters.samples_out;
    await eventually(
      "samples buffer on disk meanwhile",
      () => (sink().counters.buffer_records ?? 0) > 20 || undefined,
    );
    assert.equal(dev().state, "running", "the device is not held back");
    proxy.restore();
    await eventually(
      "the device sent all",
      () => dev().counters.samples_out >= TOTAL || undefined,
      30_000,
    );
    const clean = await sup.stop(30_000);
    assert.equal(clean, true);
    assert.ok(atCut < TOTAL);
    return sink();
  } finally {
    proxy.cut();
    await sup.stop(1000);
  }
}

Deno.test("PostgreSQL's port cut mid-stream: buffered, then every sample exactly once", async () => {
  const table = `outage_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const proxy = new TcpProxy(freePort(), 5432);
  proxy.restore();
  const cfg = timescaledbSink.parse({
    kind: "timescaledb",
    url: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
    table,
    buffer: { dir: await Deno.makeTempDir(), fsync: "never" },
    batch: { max_samples: 200, max_linger_ms: 20, retry: { initial_ms: 100, max_ms: 500 } },
  });
  try {
    const sink = await throughOutage("timescaledb", cfg, proxy);
    assert.ok(sink.counters.retries >= 1);
    assert.equal(
      await psql(
        `SELECT count(*) || ' ' || count(DISTINCT value) || ' ' || min(value) || ' ' || max(value) FROM ${table}`,
      ),
      `${TOTAL} ${TOTAL} 0 ${TOTAL - 1}`,
    );
  } finally {
    await psql(`DROP TABLE IF EXISTS ${table}`);
  }
});

Deno.test("InfluxDB's port cut mid-stream: buffered, then every sample exactly once", async () => {
  const db = `outage_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const proxy = new TcpProxy(freePort(), 8086);
  proxy.restore();
  const cfg = influxdbSink.parse({
    kind: "influxdb",
    api: "v1",
    url: `http://127.0.0.1:${proxy.port}`,
    database: db,
    buffer: { dir: await Deno.makeTempDir(), fsync: "never" },
    batch: { max_samples: 200, max_linger_ms: 20, retry: { initial_ms: 100, max_ms: 500 } },
  });
  try {
    const sink = await throughOutage("influxdb", cfg, proxy);
    assert.ok(sink.counters.retries >= 1);
    const res = await fetch(
      `http://127.0.0.1:8086/query?${new URLSearchParams({
        db,
        q: `SELECT count(n), min(n), max(n), sum(n) FROM dev`,
      })}`,
    );
    const [, count, min, max, sum] = (await res.json()).results[0].series[0].values[0];
    assert.deepEqual([count, min, max, sum], [TOTAL, 0, TOTAL - 1, (TOTAL * (TOTAL - 1)) / 2]);
  } finally {
    await fetch("http://127.0.0.1:8086/query", {
      method: "POST",
      body: new URLSearchParams({ q: `DROP DATABASE "${db}"` }),
    })
      .then((r) => r.body?.cancel());
  }
});
