// NATS JetStream rates through the gateway next to bare @nats-io/jetstream clients, in one run:
//  - sink: MQTT source → disk buffer → JetStream sink. The points are fed while the server is
//    away, so they wait in the sink's buffer; the server coming back starts the drain, timed from
//    the first message in the stream to the last. Bare: the same messages (same subjects,
//    payloads and ids, made as it goes by the sink's own code) published with the same window
//    of acks.
//  - source: JetStream source → disk buffer → TimescaleDB sink (PostgreSQL), from a stream that
//    holds every point, timed from the first row in the table to the last. Bare: a consumer that
//    parses each message, COPYs the rows into the same kind of table and acks them.
// Prints a Markdown table and one summary line for BENCHMARKS.md.
//   deno task bench:nats [--points 300000] [--tags 20] [--devices 50] [--repeats 1]
//   BENCH_GATEWAY_V8_FLAGS="" runs the gateway with V8's default flags.
import { parseArgs } from "node:util";
import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mqtt from "mqtt";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { PERMISSIONS } from "../tests/helpers/gateway_process.ts";
import { gatewayV8Args } from "./gateway_flags.ts";
import { natsClient, NatsServer } from "../tests/helpers/nats_server.ts";
import { blockOf, type Row } from "../src/runtime/kit.ts";
import { messagesOf, type NatsMessage } from "../actors/nats/messages.ts";
import { actorCounters } from "./gateway_api.ts";
import { ownBroker } from "./own_broker.ts";
import { loopbackPort } from "./ports.ts";
import { Proc } from "./proc.ts";

const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
const BASE_TS = 1_700_000_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { values: args } = parseArgs({
  options: {
    points: { type: "string", default: "300000" },
    tags: { type: "string", default: "20" },
    devices: { type: "string", default: "50" },
    repeats: { type: "string", default: "1" },
  },
});
const TAGS = Number(args.tags), DEVICES = Number(args.devices);
const MESSAGES = Math.ceil(Number(args.points) / TAGS);
const POINTS = MESSAGES * TAGS;

/** Message i: device i % DEVICES, one poll a second per device, values i*TAGS + t. */
function feed(i: number): { device: string; ts: number; values: Record<string, number> } {
  const values: Record<string, number> = {};
  for (let t = 0; t < TAGS; t++) values[`t${t}`] = i * TAGS + t;
  return { device: `d${i % DEVICES}`, ts: BASE_TS + Math.floor(i / DEVICES) * 1000, values };
}

/** Polls `count` until it reaches `total`; the time from when it first moved to then (ms). */
async function observe(count: () => Promise<number>, total: number, what: string, from?: number) {
  const base = from ?? await count();
  let start = 0, last = base, lastMove = performance.now();
  for (;;) {
    const n = await count();
    const now = performance.now();
    if (n > base && !start) start = now;
    if (n !== last) last = n, lastMove = now;
    if (n - base >= total) return now - start;
    if (now - lastMove > 60_000) throw new Error(`${what}: stuck at ${n - base} of ${total}`);
    await sleep(n > base ? 20 : 50);
  }
}

function gateway(config: unknown, dir: string): Proc {
  const file = `${dir}/config.json`;
  Deno.writeTextFileSync(file, JSON.stringify(config));
  return new Proc("gateway", [
    "run",
    ...PERMISSIONS,
    ...gatewayV8Args(),
    "src/main.ts",
    "--config",
    file,
  ]);
}

async function until(what: string, check: () => Promise<boolean>, gw: Proc): Promise<void> {
  for (let i = 0; !(await check().catch(() => false)); i++) {
    if (i > 1200) throw new Error(`${what}: gave up; ${gw.tail}`);
    await sleep(100);
  }
}

/** Messages in a stream; 0 while it does not exist. */
const streamCount = (nc: NatsConnection, stream: string) => async () => {
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } catch (err) {
    if ((err as { code?: number }).code === 10059) return 0;
    throw err;
  }
};

/** MQTT → buffer → JetStream sink, drained once the server is back: ms for every message. */
async function sinkRun(server: NatsServer, brokerUrl: string, r: number): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "tagflow-nats-bench-" });
  const api = `http://127.0.0.1:${loopbackPort()}`;
  const stream = `BENCH_GW_${r}`;
  await server.kill();
  const gw = gateway({
    gateway: { name: "bench", log_level: "warn" },
    api: { host: "127.0.0.1", port: Number(new URL(api).port) },
    devices: {
      feed: {
        kind: "mqtt",
        url: brokerUrl,
        client_id: `bench-feed-${r}`,
        subscriptions: [{ topic: `bench${r}/+` }],
        mapping: { device: { topic_level: 1 }, timestamp_path: "ts" },
        buffer: { dir: `${dir}/feed`, fsync: "never" },
      },
    },
    sinks: {
      js: {
        kind: "nats",
        servers: [server.url],
        subject_prefix: `benchgw${r}`,
        stream: { name: stream },
        batch: { max_samples: 20_000, retry: { initial_ms: 100, max_ms: 500 } },
        buffer: { dir: `${dir}/js`, fsync: "never" },
      },
    },
  }, dir);
  try {
    await until("the source subscribed", async () => {
      const actors = await (await fetch(`${api}/api/actors`)).json() as {
        id: string;
        state: string;
      }[];
      return actors.find((a) => a.id === "feed")?.state === "running";
    }, gw);
    const pub = await mqtt.connectAsync(brokerUrl, { clientId: `bench-feeder-${r}` });
    for (let i = 0; i < MESSAGES; i++) {
      const { device, ts, values } = feed(i);
      pub.publish(`bench${r}/${device}`, JSON.stringify({ ts, ...values }), { qos: 1 });
      if (i % 500 === 499) await sleep(5);
    }
    await pub.endAsync();
    await until(
      "every point in the sink's buffer",
      async () => ((await actorCounters(api, "nats")).get("samples_in") ?? 0) >= POINTS,
      gw,
    );
    await server.resume();
    const nc = await natsClient([server.url]);
    try {
      return await observe(streamCount(nc, stream), MESSAGES, "gateway → JetStream", 0);
    } finally {
      await nc.close();
    }
  } finally {
    await gw.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The messages the sink makes of feed messages from..to, by its own code. */
function sinkMessages(prefix: string, from: number, to: number): NatsMessage[] {
  const rows: Row[] = [];
  for (let i = from; i < to; i++) {
    const { device, ts, values } = feed(i);
    for (const t in values) rows.push([`${device}/${t}`, ts, values[t], null, 0, null]);
  }
  return messagesOf(prefix, blockOf(rows));
}

/**
 * A bare publisher doing the sink's job from memory: the same messages, made 1,000 at a time
 * as it goes (a publisher makes its payloads too), each 1,000 acks awaited together.
 */
async function barePublish(nc: NatsConnection, stream: string, prefix: string): Promise<number> {
  await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${prefix}.>`] });
  const js = jetstream(nc);
  const observed = observe(streamCount(nc, stream), MESSAGES, "bare → JetStream", 0);
  for (let at = 0; at < MESSAGES; at += 1000) {
    const messages = sinkMessages(prefix, at, Math.min(MESSAGES, at + 1000));
    await Promise.all(messages.map((m) => js.publish(m.subject, m.payload, { msgID: m.id })));
  }
  return await observed;
}

async function tableCount(db: pg.Client, table: string): Promise<number> {
  return Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
}

/** A bare consumer: parse, COPY into a narrow table keyed like the gateway's, ack. */
async function bareConsume(nc: NatsConnection, stream: string, table: string): Promise<number> {
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS ${table}`);
  await db.query(`CREATE TABLE ${table} (time timestamptz NOT NULL, path text NOT NULL,
    value double precision, text_value text, quality smallint NOT NULL, reason text,
    PRIMARY KEY (path, time))`);
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(stream, { durable_name: "bare", ack_policy: AckPolicy.Explicit });
  const consumer = await jetstream(nc).consumers.get(stream, "bare");
  const observer = new pg.Client({ connectionString: PG_URL });
  await observer.connect();
  const observed = observe(() => tableCount(observer, table), POINTS, "JetStream → bare → PG", 0);
  const messages = await consumer.consume({ max_messages: 1000 });
  let lines: string[] = [], held: { ack(): void }[] = [], taken = 0;
  const flush = async () => {
    const text = lines.join("");
    await pipeline(
      Readable.from([Buffer.from(text)]),
      db.query(copyFrom(`COPY ${table} FROM STDIN`)),
    );
    for (const m of held) m.ack();
    lines = [], held = [];
  };
  for await (const m of messages) {
    const body = m.json<{ timestamp: number; path: string; values: Record<string, number> }>();
    const time = new Date(body.timestamp).toISOString();
    for (const tag in body.values) {
      lines.push(`${time}\t${body.path}/${tag}\t${body.values[tag]}\t\\N\t0\t\\N\n`);
    }
    held.push(m);
    if (++taken === MESSAGES || lines.length >= 20_000) await flush();
    if (taken === MESSAGES) break;
  }
  await messages.close();
  const ms = await observed;
  await db.query(`DROP TABLE ${table}`);
  await db.end();
  await observer.end();
  return ms;
}

/** JetStream source → buffer → TimescaleDB sink: ms for every row. */
async function sourceRun(server: NatsServer, stream: string, table: string): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "tagflow-nats-bench-" });
  const port = loopbackPort();
  const observer = new pg.Client({ connectionString: PG_URL });
  await observer.connect();
  await observer.query(`DROP TABLE IF EXISTS ${table}`);
  const gw = gateway({
    gateway: { name: "bench", log_level: "warn" },
    api: { host: "127.0.0.1", port },
    devices: {
      feed: {
        kind: "nats",
        servers: [server.url],
        stream,
        durable: "gateway",
        fetch: 1000,
        buffer: { dir: `${dir}/feed`, fsync: "never" },
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: PG_URL,
        table,
        batch: { max_samples: 20_000 },
        buffer: { dir: `${dir}/db`, fsync: "never" },
      },
    },
  }, dir);
  try {
    await until("the table made", async () => {
      await observer.query(`SELECT 1 FROM ${table} LIMIT 1`);
      return true;
    }, gw);
    return await observe(() => tableCount(observer, table), POINTS, "JetStream → gateway → PG", 0);
  } finally {
    await gw.stop();
    await observer.query(`DROP TABLE IF EXISTS ${table}`);
    await observer.end();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

const rate = (ms: number) => POINTS / (ms / 1000);
const broker = await ownBroker();
const server = await NatsServer.start();
const results: { sinkGw: number; sinkBare: number; srcGw: number; srcBare: number }[] = [];
try {
  for (let r = 0; r < Number(args.repeats); r++) {
    const sinkGw = rate(await sinkRun(server, broker.url, r));
    const nc = await natsClient([server.url]);
    try {
      const stream = `BENCH_BARE_${r}`;
      const sinkBare = rate(await barePublish(nc, stream, `benchbare${r}`));
      const srcBare = rate(await bareConsume(nc, stream, `bench_nats_bare_${r}`));
      const srcGw = rate(await sourceRun(server, stream, `bench_nats_gw_${r}`));
      results.push({ sinkGw, sinkBare, srcGw, srcBare });
    } finally {
      await nc.close();
    }
  }
} finally {
  await server.stop();
  broker.child.kill();
  await broker.child.status;
}

const k = (x: number) => `${(x / 1000).toFixed(0)}k`;
console.log(`\n${POINTS} points, ${TAGS} a message, ${DEVICES} devices\n`);
console.log("| run | gateway points/s | bare points/s | gateway / bare |");
console.log("|---|---|---|---|");
for (const r of results) {
  console.log(
    `| MQTT → JetStream sink | ${k(r.sinkGw)} | ${k(r.sinkBare)} | ${
      (100 * r.sinkGw / r.sinkBare).toFixed(0)
    } % |`,
  );
  console.log(
    `| JetStream source → PostgreSQL | ${k(r.srcGw)} | ${k(r.srcBare)} | ${
      (100 * r.srcGw / r.srcBare).toFixed(0)
    } % |`,
  );
}
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (key: keyof (typeof results)[number]) => median(results.map((r) => r[key]));
console.log(
  `\nsummary: JetStream sink ${k(m("sinkGw"))} points/s (bare ${k(m("sinkBare"))}, ${
    (100 * m("sinkGw") / m("sinkBare")).toFixed(0)
  } %); JetStream source → PostgreSQL ${k(m("srcGw"))} points/s (bare ${k(m("srcBare"))}, ${
    (100 * m("srcGw") / m("srcBare")).toFixed(0)
  } %)`,
);
