import assert from "node:assert/strict";
import mqtt from "mqtt";
import type { GatewayProcess } from "./gateway_process.ts";
import { eventually, freePort } from "./net.ts";
import { psql } from "./psql.ts";

/** The first message's time; message i is at BASE_TS + i, with value i. */
export const BASE_TS = 1_700_000_000_000;

/**
 * A gateway config with an MQTT source on `<id>/#` feeding a TimescaleDB sink into table `<id>`,
 * the given settings merged in; a publisher of message i ({ts, n: i}); a wait for the rows.
 */
export async function mqttIntoTable(
  prefix: string,
  sink: Record<string, unknown>,
  sourceBuffer = {},
  source: Record<string, unknown> = {},
) {
  const id = `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const data = await Deno.makeTempDir();
  const api = freePort();
  const config = {
    api: { port: api },
    devices: {
      meter: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        client_id: id,
        subscriptions: [{ topic: `${id}/#`, qos: 1 }],
        mapping: { timestamp_path: "ts" },
        buffer: { dir: `${data}/meter`, ...sourceBuffer },
        ...source,
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: "postgres://postgres@127.0.0.1:5432/test",
        table: id,
        ...sink,
        buffer: { dir: `${data}/db`, ...sink.buffer as object },
      },
    },
  };
  const file = `${data}/config.json`;
  await Deno.writeTextFile(file, JSON.stringify(config));
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${id}-pub` });
  const publish = (i: number) =>
    pub.publishAsync(`${id}/m`, JSON.stringify({ ts: BASE_TS + i, n: i }), { qos: 1 });
  /** Waits until the table holds `total` rows and returns "count distinct min max". */
  const stored = (total: number) =>
    eventually("every message stored", async () => {
      const r = await psql(
        `SELECT count(*) || ' ' || count(DISTINCT value) || ' ' || min(value) || ' ' || max(value) FROM ${id}`,
      ).catch(() => "");
      return r.startsWith(`${total} `) ? r : undefined;
    }, 30_000);
  const cleanup = async (gw: GatewayProcess) => {
    assert.equal((await gw.stop()).code, 0);
    await pub.endAsync();
    await psql(`DROP TABLE IF EXISTS ${id}`);
  };
  return { id, file, api, publish, stored, cleanup };
}
