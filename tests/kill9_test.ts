// kill -9 of the gateway mid-stream (MQTT source → TimescaleDB sink, both disk-buffered): after a
// restart, every message published arrives exactly once.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "./helpers/gateway_process.ts";
import { eventually, freePort } from "./helpers/net.ts";
import { psql } from "./helpers/psql.ts";

// Ignored until the source keeps a record until the sinks have it on disk: today the source
// drops a record from its buffer once it is handed to the router, so a kill -9 in between loses
// it (seen: messages 133–153 of 800 in one run of three under load). Issue #4 stays open on it.
Deno.test({
  name:
    "kill -9 mid-stream, restart: nothing accepted is lost, nothing duplicated (ignored: known " +
    "loss window between the MQTT source's buffer and the sink's; issue #4)",
  ignore: true,
}, async () => {
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 10);
  const table = `k9_${id}`, topic = `k9_${id}`, total = 800, base = 1_700_000_000_000;
  const data = await Deno.makeTempDir();
  const api = freePort();
  const config = {
    api: { port: api },
    devices: {
      meter: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        client_id: `k9-${id}`,
        subscriptions: [{ topic: `${topic}/#`, qos: 1 }],
        mapping: { timestamp_path: "ts" },
        buffer: { dir: `${data}/meter`, fsync: "always" },
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: "postgres://postgres@127.0.0.1:5432/test",
        table,
        buffer: { dir: `${data}/db`, fsync: "always" },
        batch: { max_samples: 100, max_linger_ms: 10 },
      },
    },
  };
  const file = `${data}/config.json`;
  await Deno.writeTextFile(file, JSON.stringify(config));
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `k9-pub-${id}` });
  let gw = new GatewayProcess(file, api);
  try {
    await eventually(
      "/ready 200",
      async () => (await gw.get("/ready")).status === 200 || undefined,
    );
    for (let i = 0; i < total; i++) {
      await pub.publishAsync(`${topic}/m`, JSON.stringify({ ts: base + i, n: i }), { qos: 1 });
      if (i === 300) {
        gw.child.kill("SIGKILL");
        await gw.child.status;
        await gw.output;
      }
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    gw = new GatewayProcess(file, api);
    const rows = await eventually("every message stored", async () => {
      const r = await psql(
        `SELECT count(*) || ' ' || count(DISTINCT value) || ' ' || min(value) || ' ' || max(value) FROM ${table}`,
      );
      return r.startsWith(`${total} `) ? r : undefined;
    }, 30_000);
    assert.equal(
      rows,
      `${total} ${total} 0 ${total - 1}`,
      "n and ts only: the time field is no tag",
    );
    assert.equal(
      await psql(
        `SELECT count(*) FROM ${table} WHERE extract(epoch from time) * 1000 - ${base} <> value`,
      ),
      "0",
      "each at its own time",
    );
  } finally {
    assert.equal((await gw.stop()).code, 0);
    await pub.endAsync();
    await psql(`DROP TABLE IF EXISTS ${table}`);
  }
});
