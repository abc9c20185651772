// The soak: the gateway for a given time at a given load, MQTT (QoS 1) → PostgreSQL, with the
// database cut off for a while in the middle (a forwarder between the gateway and PostgreSQL drops
// every connection and refuses new ones). Every `--sample-s` it writes the gateway's RSS, main
// heap, buffer bytes and counters to a CSV; at the end it counts every point in the table (each
// (path, time) once by the table's key, so the count shows loss) and draws the series to an SVG.
//   deno task soak [--minutes 60] [--rate 20000] [--k 100] [--devices 20]
//     [--outage-at <minute>] (default: centred) [--outage-minutes 10] [--sample-s 10]
//     [--out docs/figures/soak] (writes <out>.csv and <out>.svg)
// Prints one summary line for BENCHMARKS.md. Everything stays on 127.0.0.1; the table, the broker
// and the temp dirs are removed at the end.
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import pg from "pg";
import { RUN_FLAGS } from "../tests/helpers/gateway_process.ts";
import { TcpProxy } from "../tests/helpers/tcp_proxy.ts";
import { ownBroker } from "./own_broker.ts";
import { loopbackPort } from "./ports.ts";
import { procSample } from "./proc_usage.ts";
import { soakPlot } from "./soak_plot.ts";
import { slopePerHour } from "./stats.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;
const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    minutes: { type: "string", default: "60" },
    rate: { type: "string", default: "20000" },
    k: { type: "string", default: "100" },
    devices: { type: "string", default: "20" },
    "outage-at": { type: "string" },
    "outage-minutes": { type: "string", default: "10" },
    "sample-s": { type: "string", default: "10" },
    out: { type: "string", default: "docs/figures/soak" },
  },
});
const minutes = Number(a.minutes), rate = Number(a.rate), k = Number(a.k);
const devices = Number(a.devices), outageMin = Number(a["outage-minutes"]);
const outageAt = a["outage-at"] === undefined ? (minutes - outageMin) / 2 : Number(a["outage-at"]);
const sampleMs = Number(a["sample-s"]) * 1000;
// One message per device per tick, each carrying k values.
const tickMs = (1000 * devices * k) / rate;

export interface SoakSample {
  t_s: number;
  phase: "before" | "outage" | "after";
  rss_mb: number;
  heap_mb: number;
  published: number;
  received: number;
  stored: number;
  source_buffer_mb: number;
  sink_buffer_mb: number;
  sink_oldest_s: number;
}

const id = `soak_${crypto.randomUUID().slice(0, 8)}`;
const dir = await Deno.makeTempDir({ prefix: "tagflow-soak-" });
const broker = await ownBroker();
const proxy = new TcpProxy(loopbackPort(), 5432);
proxy.restore();
const api = loopbackPort();
await Deno.writeTextFile(
  `${dir}/config.json`,
  JSON.stringify({
    gateway: { name: id },
    api: { port: api },
    devices: {
      src: {
        kind: "mqtt",
        url: broker.url,
        client_id: id,
        subscriptions: [{ topic: `${id}/+`, qos: 1 }],
        mapping: { device: { topic_level: 1 }, timestamp_path: "ts" },
        buffer: { dir: `${dir}/src`, fsync: "interval" },
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
        table: id,
        buffer: { dir: `${dir}/db`, fsync: "interval", max_bytes: 8 * 2 ** 30 },
      },
    },
  }),
);
const gw = new Deno.Command(Deno.execPath(), {
  args: ["run", ...RUN_FLAGS, MAIN, "--config", `${dir}/config.json`],
  stdout: "null",
  stderr: "piped",
}).spawn();
let tail = "";
(async () => {
  for await (const t of gw.stderr.pipeThrough(new TextDecoderStream())) {
    tail = (tail + t).slice(-4000);
  }
})();
const db = new pg.Client({ connectionString: PG_URL });
await db.connect();

async function actors(): Promise<Record<string, Record<string, number>>> {
  const list = await (await fetch(`http://127.0.0.1:${api}/api/actors`)).json() as {
    id: string;
    counters: Record<string, number>;
  }[];
  return Object.fromEntries(list.map((x) => [x.id, x.counters]));
}
async function heapMb(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${api}/metrics`)).text();
  return Number(text.match(/^tagflow_main_heap_used_bytes (\d+)$/m)?.[1]) / 2 ** 20;
}

let published = 0, late = 0;
const samples: SoakSample[] = [];
const csv = await Deno.open(`${a.out}.csv`, { write: true, create: true, truncate: true });
const enc = new TextEncoder();
const header: (keyof SoakSample)[] = [
  "t_s",
  "phase",
  "rss_mb",
  "heap_mb",
  "published",
  "received",
  "stored",
  "source_buffer_mb",
  "sink_buffer_mb",
  "sink_oldest_s",
];
await csv.write(enc.encode(header.join(",") + "\n"));

try {
  for (
    let i = 0;
    (await fetch(`http://127.0.0.1:${api}/ready`).catch(() => null))?.ok !== true;
    i++
  ) {
    if (i > 300) throw new Error(`gateway not ready: ${tail}`);
    await sleep(100);
  }
  const pub = await mqtt.connectAsync(broker.url, { clientId: `${id}-pub` });
  const t0 = performance.now(), ts0 = Date.now(), end = t0 + minutes * 60_000;
  const cutAt = t0 + outageAt * 60_000, healAt = cutAt + outageMin * 60_000;
  let phase: SoakSample["phase"] = "before";
  let inflight = 0;
  const sampler = (async () => {
    for (let next = t0 + sampleMs; next <= end + sampleMs / 2; next += sampleMs) {
      await sleep(next - performance.now());
      const c = await actors();
      const s: SoakSample = {
        t_s: Math.round((performance.now() - t0) / 1000),
        phase,
        rss_mb: procSample(gw.pid).rssKb / 1024,
        heap_mb: await heapMb(),
        published,
        received: c.src?.samples_in ?? 0,
        stored: c.db?.samples_out ?? 0,
        source_buffer_mb: (c.src?.buffer_bytes ?? 0) / 2 ** 20,
        sink_buffer_mb: (c.db?.buffer_bytes ?? 0) / 2 ** 20,
        sink_oldest_s: (c.db?.buffer_oldest_ms ?? 0) / 1000,
      };
      samples.push(s);
      await csv.write(enc.encode(header.map((h) => fmt(s[h])).join(",") + "\n"));
    }
  })();
  for (let tick = 0;; tick++) {
    const due = t0 + tick * tickMs;
    if (due >= end) break;
    if (phase === "before" && due >= cutAt) phase = "outage", proxy.cut();
    if (phase === "outage" && due >= healAt) phase = "after", proxy.restore();
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -1000) late++;
    const ts = ts0 + Math.round(tick * tickMs);
    for (let d = 0; d < devices; d++) {
      let payload = `{"ts":${ts}`;
      for (let j = 0; j < k; j++) payload += `,"t${j}":${tick + j}`;
      inflight++;
      pub.publishAsync(`${id}/dev${d}`, payload + "}", { qos: 1 }).then(
        () => (inflight--, published += k),
        (err) => console.error("publish failed", err),
      );
    }
    while (inflight > 2000) await sleep(5);
  }
  while (inflight > 0) await sleep(10);
  await pub.endAsync();
  await sampler;
  // Everything stored: wait until the table holds every point or nothing has moved for a minute.
  let stored = 0, moved = performance.now();
  while (performance.now() - moved < 60_000) {
    const n = Number((await db.query(`SELECT count(*) AS n FROM ${id}`)).rows[0].n);
    if (n !== stored) stored = n, moved = performance.now();
    if (n >= published) break;
    await sleep(5000);
  }
  const dup = Number(
    (await db.query(`SELECT count(*) - count(DISTINCT (path, time)) AS d FROM ${id}`)).rows[0].d,
  );
  const half = samples.filter((s) => s.t_s >= (minutes * 60) / 2);
  const slope = slopePerHour(half.map((s) => [s.t_s, s.rss_mb]));
  const rss = half.map((s) => s.rss_mb);
  await Deno.writeTextFile(`${a.out}.svg`, await soakPlot(samples, outageAt * 60, healAtS()));
  console.log(
    `| soak ${minutes} min, ${rate} points/s, PostgreSQL away ${outageMin} min | ${published} published, ${stored} stored, ${
      published - stored
    } lost, ${dup} duplicated | RSS last half hour ${Math.min(...rss).toFixed(0)}–${
      Math.max(...rss).toFixed(0)
    } MB, slope ${slope.toFixed(1)} MB/h | peak sink buffer ${
      Math.max(...samples.map((s) => s.sink_buffer_mb)).toFixed(0)
    } MB | ticks late > 1 s: ${late} |`,
  );
} finally {
  csv.close();
  try {
    gw.kill("SIGTERM");
  } catch { /* gone */ }
  await gw.status;
  proxy.cut();
  broker.child.kill();
  await db.query(`DROP TABLE IF EXISTS ${id}`).catch(() => {});
  await db.end();
  await Deno.remove(dir, { recursive: true });
}

function healAtS(): number {
  return (outageAt + outageMin) * 60;
}

function fmt(v: number | string): string {
  return typeof v === "number" ? String(Math.round(v * 100) / 100) : v;
}
