// The InfluxDB sink through both APIs, read back from the servers: InfluxDB 1.x (Debian's
// influxdb, /write and /query) and VictoriaMetrics (/api/v2/write via @influxdata/influxdb-client,
// read back through its export API).
import assert from "node:assert/strict";
import { influxdbSink } from "../../actors/influxdb/config.ts";
import { eventually } from "../helpers/net.ts";
import { runCounterInto } from "../helpers/sink_run.ts";

const unique = () => crypto.randomUUID().replaceAll("-", "").slice(0, 10);

Deno.test("influxdb sink, v1 API: every value in InfluxDB 1.x, plus the raw-JSON measurement", async () => {
  const db = `tagflow_${unique()}`;
  const device = `dev_${unique()}`;
  const cfg = influxdbSink.parse({
    kind: "influxdb",
    api: "v1",
    url: "http://127.0.0.1:8086",
    database: db,
    raw_measurement: "raw_data",
    buffer: { dir: await Deno.makeTempDir(), fsync: "never" },
    batch: { max_samples: 300, max_linger_ms: 20 },
  });
  try {
    const { clean, sink } = await runCounterInto(device, "influxdb", cfg, 500);
    assert.equal(clean, true);
    assert.equal(sink.counters.samples_out, 500);
    const q = async (sql: string) => {
      const res = await fetch(`http://127.0.0.1:8086/query?${new URLSearchParams({ db, q: sql })}`);
      return (await res.json()).results[0].series?.[0].values[0];
    };
    assert.deepEqual(
      (await q(`SELECT count(n), min(n), max(n), sum(n) FROM "${device}"`)).slice(1),
      [500, 0, 499, 124750],
    );
    const [, rawCount] = await q(`SELECT count(raw) FROM raw_data WHERE device = '${device}'`);
    assert.equal(rawCount, 500);
    const [, raw] = await q(
      `SELECT raw FROM raw_data WHERE device = '${device}' ORDER BY time DESC LIMIT 1`,
    );
    assert.deepEqual(JSON.parse(raw).value, 499);
  } finally {
    await fetch("http://127.0.0.1:8086/query", {
      method: "POST",
      body: new URLSearchParams({ q: `DROP DATABASE "${db}"` }),
    })
      .then((r) => r.body?.cancel());
  }
});

Deno.test("influxdb sink, v2 API via the client library: every value in VictoriaMetrics", async () => {
  const device = `dev_${unique()}`;
  const cfg = influxdbSink.parse({
    kind: "influxdb",
    url: "http://127.0.0.1:8428",
    buffer: { dir: await Deno.makeTempDir(), fsync: "never" },
    batch: { max_samples: 300, max_linger_ms: 20 },
  });
  const { clean, sink } = await runCounterInto(device, "influxdb", cfg, 500);
  assert.equal(clean, true);
  assert.equal(sink.counters.samples_out, 500);
  // VictoriaMetrics names a series measurement_field and keeps tags as labels.
  const values = await eventually("VictoriaMetrics has all 500", async () => {
    const res = await fetch("http://127.0.0.1:8428/api/v1/export", {
      method: "POST",
      body: new URLSearchParams({ "match[]": `${device}_n{device="${device}",uns="test"}` }),
    });
    const text = await res.text();
    const vals = text.trim().split("\n").filter(Boolean).flatMap((l) =>
      JSON.parse(l).values as number[]
    );
    return vals.length >= 500 ? vals : undefined;
  });
  assert.deepEqual(
    [...new Set(values)].sort((a, b) => a - b),
    Array.from({ length: 500 }, (_, i) => i),
  );
});
