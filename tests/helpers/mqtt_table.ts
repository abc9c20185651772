import assert from "node:assert/strict";
import mqtt from "mqtt";
import type { GatewayProcess } from "./gateway_process.ts";
import { eventually, freePort } from "./net.ts";
import { psql } from "./psql.ts";

/** The first message's time; message i is at BASE_TS + i, with value i. */
export const BASE_TS = 1_700_000_000_000;

/** What the table holds: its row count, and the count, least and greatest of its values. */
export interface Stored {
  rows: number;
  distinct: number;
  min: number;
  max: number;
}

/** What the table holds once messages 0…total-1 were each stored once. */
export const eachOnce = (total: number): Stored => ({
  rows: total,
  distinct: total,
  min: 0,
  max: total - 1,
});

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
  /** Waits until the table holds `total` rows and returns what they hold. */
  const stored = (total: number): Promise<Stored> =>
    eventually(`${total} rows in table ${id}`, async () => {
      const [rows, distinct, min, max] = (await psql(
        `SELECT count(*), count(DISTINCT value), min(value), max(value) FROM ${id}`,
      )).split("|").map(Number);
      if (rows !== total) throw new Error(`${rows} rows`);
      return { rows, distinct, min, max };
    }, 30_000);
  const cleanup = async (gw: GatewayProcess) => {
    assert.equal((await gw.stop()).code, 0);
    await pub.endAsync();
    await psql(`DROP TABLE IF EXISTS ${id}`);
  };
  return { id, file, api, publish, stored, cleanup };
}
