// kill -9 of the gateway mid-stream (MQTT source → history sink, both disk-buffered): after a
// restart every message is in the history exactly once.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

/** Message i's time: recent, so the sink's 7-day retention keeps it. */
const BASE_TS = Date.now() - 3_600_000;

Deno.test("history: kill -9 twice mid-stream, restart: nothing accepted lost, nothing doubled", async () => {
  const total = 600;
  const id = `h9_${crypto.randomUUID().slice(0, 8)}`;
  const dir = await Deno.makeTempDir({ prefix: "history-kill9-" });
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
          mapping: { timestamp_path: "ts" },
          buffer: { dir: `${dir}/meter`, fsync: "always" },
        },
      },
      sinks: {
        history: {
          kind: "history",
          file: `${dir}/h.sqlite`,
          buffer: { dir: `${dir}/buffer`, fsync: "always" },
          batch: { max_samples: 50, max_linger_ms: 10 },
        },
      },
    }),
  );
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${id}-pub` });
  const ready = (gw: GatewayProcess) =>
    eventually("/ready 200", async () => (await gw.get("/ready")).status === 200 || undefined);
  const kill = async (gw: GatewayProcess) => {
    gw.child.kill("SIGKILL");
    await gw.child.status;
    await gw.output;
  };
  let gw = new GatewayProcess(file, api);
  try {
    await ready(gw);
    for (let i = 0; i < total; i++) {
      await pub.publishAsync(`${id}/m`, JSON.stringify({ ts: BASE_TS + i, n: i }), { qos: 1 });
      if (i === 200 || i === 400) {
        await kill(gw);
        gw = new GatewayProcess(file, api);
        if (i === 200) await ready(gw);
      }
      // Paces the publisher on purpose (not a wait for a condition): the kills land mid-flow.
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const stored = await eventually(`${total} samples in the history`, () => {
      if (!Deno.statSync(`${dir}/h.sqlite`).isFile) return undefined;
      const db = new DatabaseSync(`${dir}/h.sqlite`, { readOnly: true });
      try {
        const r = db.prepare(
          "SELECT count(*) AS rows, count(DISTINCT value) AS distinct_values, min(value) AS lo, max(value) AS hi FROM samples",
        ).get()!;
        const got = {
          rows: Number(r.rows),
          distinct: Number(r.distinct_values),
          min: r.lo,
          max: r.hi,
        };
        if (got.rows < total) throw new Error(JSON.stringify(got));
        return got;
      } finally {
        db.close();
      }
    });
    assert.deepEqual(stored, { rows: total, distinct: total, min: 0, max: total - 1 }, "each once");
  } finally {
    const { code, stdout, stderr } = await gw.stop();
    await pub.endAsync();
    await Deno.remove(dir, { recursive: true });
    assert.equal(
      code,
      0,
      `the gateway's exit code after SIGTERM; its output:\n${(stdout + stderr).slice(-4000)}`,
    );
  }
});
