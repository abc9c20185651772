// The MQTT → storage load scenario of issue #4: a firehose of seed-shaped JSON (K values per
// message, publish time in `ts`) into Mosquitto, through the gateway (MQTT source → sink) into
// PostgreSQL and then into InfluxDB 1.x, one sink at a time, next to raw baselines measured in the
// same invocation: COPY into PostgreSQL (npm:pg + npm:pg-copy-streams) and line-protocol POSTs to
// InfluxDB's /write (fetch). Prints a Markdown table for BENCHMARKS.md.
//   deno task bench:storage [--points 600000] [--k 50] [--devices 100] [--clients 4]
//     [--window 100] [--lead 800] [--batch 20000] [--timeout-s 180] [--only all|pg|influx]
//     [--connections 1] (the gateway source's MQTT connections; several share the subscription)
//     [--gateway-v8-flags=…] (default: those of `deno task start`; "" for V8's defaults)
//     [--backlog] (publish everything while the gateway is stopped, then time its drain:
//     the gateway's capacity, where the live firehose measures no more than the publishers;
//     it takes a private broker that queues the whole backlog, and no lead)
// BENCH_TRACE=1 prints the source's and the sink's counters every second (where a run waits).
// Everything stays on 127.0.0.1; tables, databases and temp dirs are removed at the end.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mqtt from "mqtt";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { PERMISSIONS, V8_FLAGS } from "../tests/helpers/gateway_process.ts";
import { ownBroker } from "./own_broker.ts";
import { quantile } from "./stats.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
/** The broker: the machine's Mosquitto, or with --own-broker a private one tuned for a firehose. */
let MQTT_URL = "mqtt://127.0.0.1:1883";

const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
const INFLUX = "http://127.0.0.1:8086";
const CLK_TCK = 100; // Linux USER_HZ: the unit of utime/stime in /proc/<pid>/stat
// How often the stores are counted while a gateway run drains (the run's clock stops at the poll
// that finds every point): PostgreSQL's count(*) scans the table; InfluxDB counts one field.
const POLL_MS = { pg: 200, influx: 50 };
const STALL_MS = 10_000; // no new points for this long after the last publish: give up
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Options of one invocation (see the usage line at the top). */
export interface BenchOptions {
  points: number;
  k: number;
  devices: number;
  clients: number;
  window: number;
  batch: number;
  timeoutS: number;
  /** Messages published ahead of what the gateway's source has taken; 0 = no limit. */
  lead: number;
  only: "all" | "pg" | "influx";
  /** MQTT connections of the gateway's source (a shared subscription when more than one). */
  connections: number;
  /** The gateway's V8 flags (default: those of `deno task start`). */
  v8Flags: string;
  /** Publish everything while the gateway is stopped, then time its drain of the backlog. */
  backlog: boolean;
}

/** One line of the result table. */
export interface ResultRow {
  name: string;
  points: number;
  seconds: number;
  stored: number;
  rssMb?: number;
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Process accounting from /proc: CPU ticks per process (and per gateway thread) and peak RSS.

/** utime + stime of a process or thread, in clock ticks; 0 when it is gone. */
function cpuTicks(statPath: string): number {
  try {
    const stat = Deno.readTextFileSync(statPath);
    // comm may contain spaces and parentheses: the fields start after the last ")".
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** Pids whose /proc/<pid>/comm is `name` (e.g. all postgres backends). */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${e.name}/comm`).trim() === name) pids.push(+e.name);
    } catch { /* exited meanwhile */ }
  }
  return pids;
}

/** Peak resident set (VmHWM) of a process in MB, or undefined when unreadable. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const m = Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmHWM:\s+(\d+) kB/);
    return m ? Math.round(+m[1] / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU ticks of the processes that take part, keyed by a readable name. */
function cpuSnapshot(gatewayPid?: number): Map<string, number> {
  const snap = new Map<string, number>();
  snap.set("bench runner (publisher)", cpuTicks(`/proc/${Deno.pid}/stat`));
  for (const name of ["mosquitto", "postgres", "influxd"]) {
    snap.set(name, pidsNamed(name).reduce((s, p) => s + cpuTicks(`/proc/${p}/stat`), 0));
  }
  if (gatewayPid) {
    snap.set("gateway (all threads)", cpuTicks(`/proc/${gatewayPid}/stat`));
    // Per thread too: the gateway runs each actor in a worker thread, so one thread at 100%
    // names the bottleneck even when the process as a whole is below one core.
    try {
      for (const t of Deno.readDirSync(`/proc/${gatewayPid}/task`)) {
        const base = `/proc/${gatewayPid}/task/${t.name}`;
        const comm = Deno.readTextFileSync(`${base}/comm`).trim();
        snap.set(`gateway thread ${t.name} (${comm})`, cpuTicks(`${base}/stat`));
      }
    } catch { /* gone */ }
  }
  return snap;
}

/** CPU % (100 = one core) between two snapshots, busiest first, those above 2% only. */
function cpuUse(a: Map<string, number>, b: Map<string, number>, seconds: number): string[] {
  return [...b].map(([k, v]) => [k, ((v - (a.get(k) ?? 0)) / CLK_TCK / seconds) * 100] as const)
    .filter(([, pct]) => pct >= 2)
    .sort((x, y) => y[1] - x[1])
    .map(([k, pct]) => `${k} ${pct.toFixed(0)}%`);
}

// ---------------------------------------------------------------------------------------------
// The workload: N = points / K messages over `devices` devices; the same points for all four rows.

/** The value of tag t<j> in message m: distinct and cheap, so sums could be checked too. */
const valueOf = (m: number, j: number) => m * 0.5 + j;

/**
 * Publishes every message with QoS 1 from `clients` connections, each keeping up to `window`
 * publishes awaiting PUBACK (as fast as the broker takes them). `ts` is the wall clock at publish,
 * made strictly increasing per device: the stores key points by (device/tag, time), so two
 * messages of one device in one millisecond would otherwise collapse into one.
 *
 * With `o.lead` > 0 the publishers pause while more than `lead` messages are ahead of `taken()`
 * (the source's message counter): Mosquitto queues at most max_queued_messages (default 1000) for
 * a QoS 1 subscriber and silently drops the rest, so an unbounded firehose loses data at the
 * broker whenever the gateway is slower than the publishers. Returns the publish time of each
 * message, in message order.
 */
async function publishAll(
  id: string,
  o: BenchOptions,
  messages: number,
  taken: () => number,
): Promise<Float64Array> {
  const sentAt = new Float64Array(messages);
  let sent = 0;
  const lastTs = new Float64Array(o.devices);
  const clients = await Promise.all(
    Array.from(
      { length: o.clients },
      (_, c) => mqtt.connectAsync(MQTT_URL, { clientId: `bench-pub-${id}-${c}`, clean: true }),
    ),
  );
  try {
    await Promise.all(clients.map(async (client, c) => {
      // Publishes awaiting their PUBACK: a count and one waiter (a race over every pending
      // publish per message would cost the publisher more than the publishing).
      let inflight = 0, failed: unknown, free: (() => void) | undefined;
      const settled = (err?: unknown) => {
        inflight--;
        failed ??= err;
        free?.();
        free = undefined;
      };
      // Client c takes messages c, c + clients, …; device = message % devices.
      for (let m = c; m < messages; m += o.clients) {
        while (o.lead > 0 && sent - taken() > o.lead) await sleep(2);
        const dev = m % o.devices;
        const ts = Math.max(Date.now(), lastTs[dev] + 1);
        lastTs[dev] = ts;
        sentAt[m] = Date.now();
        sent++;
        let payload = `{"ts":${ts}`;
        for (let j = 0; j < o.k; j++) payload += `,"t${j}":${valueOf(m, j)}`;
        inflight++;
        client.publishAsync(`bench/${id}/dev${dev}`, payload + "}", { qos: 1 })
          .then(() => settled(), (err) => settled(err ?? new Error("publish failed")));
        while (inflight >= o.window) await new Promise<void>((r) => free = r);
        if (failed) throw failed;
      }
      while (inflight > 0) await new Promise<void>((r) => free = r);
      if (failed) throw failed;
    }));
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
  }
  return sentAt;
}

/**
 * End-to-end lag per message, assuming the store fills in publish order (FIFO): message m is
 * taken as stored at the first poll whose count covers (m + 1) × K points. Accurate to a poll;
 * the only estimate available for InfluxDB, which records no arrival time.
 */
function fifoLags(sentAt: Float64Array, polls: [number, number][], k: number): number[] {
  const order = [...sentAt].sort((a, b) => a - b);
  const lags: number[] = [];
  let p = 0;
  for (let m = 0; m < order.length; m++) {
    while (p < polls.length && polls[p][1] < (m + 1) * k) p++;
    if (p === polls.length) break;
    lags.push(polls[p][0] - order[m]);
  }
  return lags;
}

// ---------------------------------------------------------------------------------------------
// Stores: PostgreSQL and InfluxDB 1.x helpers.

async function influxQuery(db: string, q: string): Promise<{ series?: { values: number[][] }[] }> {
  const res = await fetch(`${INFLUX}/query?${new URLSearchParams({ db, q })}`);
  if (!res.ok) throw new Error(`influx ${q}: ${res.status} ${await res.text()}`);
  return (await res.json()).results[0];
}

async function influxAdmin(q: string): Promise<void> {
  const res = await fetch(`${INFLUX}/query`, { method: "POST", body: new URLSearchParams({ q }) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`influx ${q}: ${res.status}`);
}

/** Every field value in the database (count(*) per measurement, summed over fields). */
async function influxPoints(db: string): Promise<number> {
  const r = await influxQuery(db, `SELECT count(*) FROM /^dev/`);
  return (r.series ?? []).reduce((s, x) => s + x.values[0].slice(1).reduce((a, b) => a + b, 0), 0);
}

/** Lines (messages) stored: count of the first field only, cheap enough to poll. */
async function influxLines(db: string): Promise<number> {
  const r = await influxQuery(db, `SELECT count(t0) FROM /^dev/`);
  return (r.series ?? []).reduce((s, x) => s + x.values[0][1], 0);
}

// ---------------------------------------------------------------------------------------------
// Raw baselines.

/** (a) COPY of the same points, narrow (time, path, value, quality), one COPY per batch. */
async function rawCopy(id: string, o: BenchOptions, messages: number): Promise<ResultRow> {
  const table = `bench_raw_${id}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    // The same key as the gateway's narrow table, so the index cost is the same.
    await client.query(`CREATE TABLE ${table} (time timestamptz NOT NULL, path text NOT NULL,
      value double precision, quality smallint NOT NULL, PRIMARY KEY (path, time))`);
    const base = Date.now();
    const perCopy = Math.max(1, Math.floor(o.batch / o.k)); // messages per COPY
    const t0 = performance.now();
    for (let first = 0; first < messages; first += perCopy) {
      const last = Math.min(messages, first + perCopy);
      // Rows are generated as the stream pulls them: the text is never all in memory.
      const rows = function* () {
        for (let m = first; m < last; m++) {
          const dev = m % o.devices;
          const time = new Date(base + m).toISOString();
          let chunk = "";
          for (let j = 0; j < o.k; j++) {
            chunk += `${time}\tbench/dev${dev}/t${j}\t${valueOf(m, j)}\t0\n`;
          }
          yield chunk;
        }
      };
      await pipeline(
        Readable.from(rows()),
        client.query(copyFrom(`COPY ${table} (time, path, value, quality) FROM STDIN`)),
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    const stored = +(await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n;
    return {
      name: "raw COPY baseline (npm:pg-copy-streams)",
      points: messages * o.k,
      seconds,
      stored,
      notes: [`one COPY per ${perCopy * o.k} rows, autocommit, one connection, PK (path, time)`],
    };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await client.end();
  }
}

/** (b) Line protocol POSTs of the same points to /write, one line per message, sequential. */
async function rawLines(id: string, o: BenchOptions, messages: number): Promise<ResultRow> {
  const db = `bench_raw_${id}`;
  await influxAdmin(`CREATE DATABASE "${db}"`);
  try {
    const base = Date.now();
    const perPost = Math.max(1, Math.floor(o.batch / o.k)); // lines per request
    const t0 = performance.now();
    for (let first = 0; first < messages; first += perPost) {
      const lines: string[] = [];
      for (let m = first; m < Math.min(messages, first + perPost); m++) {
        const dev = m % o.devices;
        const fields = Array.from({ length: o.k }, (_, j) => `t${j}=${valueOf(m, j)}`).join(",");
        // Same shape as the gateway's lines: measurement per device, field per tag.
        lines.push(`dev${dev},device=dev${dev},uns=bench ${fields} ${base + m}`);
      }
      const res = await fetch(`${INFLUX}/write?db=${db}&precision=ms`, {
        method: "POST",
        body: lines.join("\n"),
      });
      if (res.status !== 204) throw new Error(`/write: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      name: "raw line protocol baseline (fetch /write)",
      points: messages * o.k,
      seconds,
      stored: await influxPoints(db),
      notes: [`${perPost} lines × ${o.k} fields per POST, sequential, precision ms`],
    };
  } finally {
    await influxAdmin(`DROP DATABASE "${db}"`).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Gateway runs.

/** A sink under test: its config, a counter polled while draining, and cleanup. */
interface SinkUnderTest {
  name: string;
  config: Record<string, unknown>;
  setup(): Promise<void>;
  /** Points stored so far (cheap; polled every `pollMs`). */
  poll(): Promise<number>;
  pollMs: number;
  /** Points stored, exactly, at the end. */
  count(): Promise<number>;
  /** Extra notes from the store at the end (e.g. exact latency percentiles). */
  extra(): Promise<string[]>;
  cleanup(): Promise<void>;
}

function pgSink(id: string, o: BenchOptions, dir: string): SinkUnderTest {
  const table = `bench_gw_${id}`;
  const client = new pg.Client({ connectionString: PG_URL });
  return {
    name: "gateway → PostgreSQL (timescaledb sink, narrow)",
    config: {
      kind: "timescaledb",
      url: PG_URL,
      table,
      batch: { max_samples: o.batch, max_linger_ms: 200 },
      buffer: { dir: `${dir}/sink`, fsync: "interval" },
    },
    async setup() {
      await client.connect();
      // The gateway's narrow table, created ahead of it (it uses CREATE TABLE IF NOT EXISTS)
      // with one extra column: the arrival time of each row, so latency is measured, not guessed.
      // The gateway's INSERT names its columns, so the default fills it.
      await client.query(`CREATE TABLE ${table} (time timestamptz NOT NULL, path text NOT NULL,
        value double precision, text_value text, quality smallint NOT NULL, reason text,
        arrived timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (path, time))`);
    },
    async poll() {
      return +(await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n;
    },
    pollMs: POLL_MS.pg,
    count() {
      return this.poll();
    },
    async extra() {
      const r = (await client.query(`SELECT
        percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY
          extract(epoch FROM arrived - time) * 1000) AS p,
        max(extract(epoch FROM arrived - time) * 1000) AS mx FROM ${table}`)).rows[0];
      const [p50, p99] = (r.p as number[]).map((x) => Math.round(x));
      return [
        `latency publish→INSERT (row arrival column) p50 ${p50} ms, p99 ${p99} ms, max ${
          Math.round(r.mx)
        } ms`,
      ];
    },
    async cleanup() {
      await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

function influxSink(id: string, o: BenchOptions, dir: string): SinkUnderTest {
  const db = `bench_gw_${id}`;
  return {
    name: "gateway → InfluxDB 1.x (influxdb sink, api v1)",
    config: {
      kind: "influxdb",
      api: "v1",
      url: INFLUX,
      database: db, // the sink creates it
      precision: "ms",
      batch: { max_samples: o.batch, max_linger_ms: 200 },
      buffer: { dir: `${dir}/sink`, fsync: "interval" },
    },
    async setup() {},
    async poll() {
      return (await influxLines(db).catch(() => 0)) * o.k;
    },
    pollMs: POLL_MS.influx,
    count: () => influxPoints(db),
    extra: () => Promise.resolve([]),
    async cleanup() {
      await influxAdmin(`DROP DATABASE "${db}"`).catch(() => {});
    },
  };
}

/**
 * Starts the gateway (as `deno task start` does) with one MQTT source and the given sink, waits
 * for /ready, publishes every message, and polls the store until all points are there or the
 * timeout hits (the gateway is then killed). The clock runs from the first publish.
 */
async function gatewayRun(
  id: string,
  o: BenchOptions,
  messages: number,
  makeSink: (id: string, o: BenchOptions, dir: string) => SinkUnderTest,
): Promise<ResultRow> {
  const dir = await Deno.makeTempDir({ prefix: "tagflow-bench-" });
  const sink = makeSink(id, o, dir);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const config = {
    gateway: { name: `bench_${id}` },
    api: { port },
    devices: {
      src: {
        kind: "mqtt",
        url: MQTT_URL,
        client_id: `bench-gw-${id}`,
        subscriptions: [{ topic: `bench/${id}/+`, qos: 1 }],
        mapping: { device: { topic_level: 2 }, timestamp_path: "ts" },
        session_expiry_s: 0, // leave no session behind in the broker
        connections: o.connections,
        // fsync "interval": throughput over the last second of durability, on both buffers.
        buffer: { dir: `${dir}/src`, fsync: "interval" },
      },
    },
    sinks: { out: sink.config },
  };
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
  await sink.setup();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PERMISSIONS,
      ...(o.v8Flags ? [`--v8-flags=${o.v8Flags}`] : []),
      MAIN,
      "--config",
      `${dir}/config.json`,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Keep the last of stderr for the report; draining it keeps the pipe from filling.
  let tail = "";
  const stderr = (async () => {
    for await (const t of child.stderr.pipeThrough(new TextDecoderStream())) {
      tail = (tail + t).slice(-2000);
    }
  })();
  const deadline = performance.now() + o.timeoutS * 1000;
  const points = messages * o.k;
  let done = false; // stops the store poller on the way out
  try {
    while (true) {
      if (performance.now() > deadline) throw new Error(`gateway not ready: ${tail}`);
      const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => (r.body?.cancel(), r.ok),
        () => false,
      );
      if (ok) break;
      await sleep(100);
    }
    // Backlog: the whole firehose waits in the broker while the gateway is frozen, then the
    // clock runs from its thaw: the gateway's own rate, not the publishers'.
    let backlogS = 0;
    if (o.backlog) {
      Deno.kill(child.pid, "SIGSTOP");
      const b0 = performance.now();
      try {
        await publishAll(id, o, messages, () => 0);
      } finally {
        Deno.kill(child.pid, "SIGCONT");
      }
      backlogS = (performance.now() - b0) / 1000;
    }
    const cpu0 = cpuSnapshot(child.pid);
    const t0 = performance.now(), wall0 = Date.now();
    const polls: [number, number][] = [];
    let published = false, stalled = false, taken = 0;
    // Poll the store while publishing, so the lag of the early messages is seen too. Stop when
    // all points are there, or when the count has not moved for STALL_MS after the last publish
    // (points lost: waiting out the timeout would tell nothing more).
    const poller = (async () => {
      let moved = performance.now(), last = -1;
      while (!done && performance.now() < deadline) {
        const n = await sink.poll().catch(() => 0);
        polls.push([Date.now(), n]);
        if (n !== last) last = n, moved = performance.now();
        if (published && n >= points) return;
        if (published && performance.now() - moved > STALL_MS) return void (stalled = true);
        await sleep(sink.pollMs);
      }
    })();
    /** The gateway's counters now, by actor id ({} for one not listed, or no answer). */
    const countersNow = async () => {
      const actors = await fetch(`http://127.0.0.1:${port}/api/actors`)
        .then((r) => r.json() as Promise<{ id: string; counters: Record<string, number> }[]>)
        .catch(() => []);
      return (id: string) => actors.find((a) => a.id === id)?.counters ?? {};
    };
    // The sink's own count of samples InfluxDB or PostgreSQL acknowledged: the run's end when it
    // comes before the store's count shows them all (the raw baselines, too, stop at the last
    // acknowledged write). Not trusted after a retry (a replayed write counts twice).
    let writtenAt: number | undefined;
    const acked = (async () => {
      while (!done && writtenAt === undefined) {
        const out = (await countersNow())("out");
        if (!out.retries && out.samples_out >= points) writtenAt = performance.now();
        await sleep(50);
      }
    })();
    // The source's message counter, for the publishers' flow control.
    const tracker = (async () => {
      while (!done && !published) {
        taken = (await countersNow())("src").messages ?? taken;
        await sleep(20);
      }
    })();
    const trace = Deno.env.get("BENCH_TRACE")
      ? (async () => {
        while (!done) {
          const c = await countersNow();
          console.error(
            JSON.stringify({ t: Math.round(performance.now() - t0), src: c("src"), out: c("out") }),
          );
          await sleep(1000);
        }
      })()
      : undefined;
    const sentAt = o.backlog ? undefined : await publishAll(id, o, messages, () => taken);
    const pubEnd = performance.now();
    published = true;
    await tracker;
    await poller;
    // The clock (and the CPU count) stop here, before the exact count at the end.
    const polledAt = performance.now(), cpu1 = cpuSnapshot(child.pid);
    done = true;
    await acked;
    await trace;
    const stored = await sink.count();
    // The clock stops at the last count change when points were lost, not at the give-up.
    const t1 = stalled ? polledAt - STALL_MS : Math.min(polledAt, writtenAt ?? Infinity);
    const cpu = cpuUse(cpu0, cpu1, (polledAt - t0) / 1000);
    const rssMb = peakRssMb(child.pid);
    const lags = sentAt ? fifoLags(sentAt, polls, o.k) : [];
    const lastStored = polls.findLast(([, n]) => n >= points)?.[0];
    return {
      name: sink.name,
      points,
      seconds: (t1 - t0) / 1000,
      stored,
      rssMb,
      notes: [
        o.backlog
          ? `backlog: all ${messages} messages published (in ${
            backlogS.toFixed(1)
          } s) while the gateway was stopped (SIGSTOP), clock from its SIGCONT`
          : `publish took ${((pubEnd - t0) / 1000).toFixed(1)} s (${
            Math.round(points / ((pubEnd - t0) / 1000))
          } pts/s into the broker), drain after last publish ${
            ((t1 - pubEnd) / 1000).toFixed(1)
          } s`,
        ...(await sink.extra()),
        ...(o.backlog ? [] : [
          `latency FIFO estimate from ${sink.pollMs} ms count polls p50 ${
            Math.round(quantile(lags, 0.5))
          } ms, p99 ${Math.round(quantile(lags, 0.99))} ms` +
          (lastStored ? `; last point readable ${lastStored - wall0} ms after first publish` : ""),
        ]),
        o.backlog
          ? "nothing published during the run"
          : o.lead > 0
          ? `publishers kept ≤ ${o.lead} messages ahead of the source (Mosquitto drops beyond its queue of 1000)`
          : "unbounded firehose (no flow control)",
        "buffers fsync interval (source and sink)",
        `CPU over the run (100% = 1 core): ${cpu.slice(0, 6).join(", ")}`,
      ],
    };
  } finally {
    done = true;
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    // A drained shutdown should be quick; kill it if it is not.
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10_000);
    await child.status;
    clearTimeout(killer);
    await stderr.catch(() => {});
    await sink.cleanup();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Runs `f` but gives up (rejecting) after `seconds`; the callers' finally blocks clean up. */
async function bounded<T>(what: string, seconds: number, f: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: over ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([f(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The Markdown table of results. */
export function table(rows: ResultRow[]): string {
  const out = [
    "| run | points | seconds | points/s | zero loss | gateway RSS peak MB | notes |",
    "|---|---:|---:|---:|---|---:|---|",
  ];
  for (const r of rows) {
    const loss = r.stored === r.points
      ? `yes (${r.stored}/${r.points})`
      : `**no** (${r.stored}/${r.points})`;
    out.push(
      `| ${r.name} | ${r.points} | ${r.seconds.toFixed(2)} | ${
        Math.round(r.points / r.seconds)
      } | ${loss} | ${r.rssMb ?? "–"} | ${r.notes.join("; ")} |`,
    );
  }
  return out.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      points: { type: "string", default: "600000" },
      k: { type: "string", default: "50" },
      devices: { type: "string", default: "100" },
      clients: { type: "string", default: "4" },
      window: { type: "string", default: "100" },
      batch: { type: "string", default: "20000" },
      "timeout-s": { type: "string", default: "180" },
      lead: { type: "string", default: "800" },
      only: { type: "string", default: "all" },
      connections: { type: "string", default: "1" },
      "own-broker": { type: "boolean", default: false },
      "gateway-v8-flags": { type: "string", default: V8_FLAGS },
      backlog: { type: "boolean", default: false },
    },
  });
  const o: BenchOptions = {
    points: +values.points,
    k: +values.k,
    devices: +values.devices,
    clients: +values.clients,
    window: +values.window,
    batch: +values.batch,
    timeoutS: +values["timeout-s"],
    // A backlog is published while the gateway is stopped: no source to stay ahead of.
    lead: values.backlog ? 0 : +values.lead,
    only: values.only as BenchOptions["only"],
    connections: +values.connections,
    v8Flags: values["gateway-v8-flags"],
    backlog: values.backlog,
  };
  const messages = Math.ceil(o.points / o.k);
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  // A backlog waits in the broker: the machine's Mosquitto would drop all but 1,000 of it.
  const broker = values["own-broker"] || values.backlog ? await ownBroker() : undefined;
  if (broker) {
    MQTT_URL = broker.url;
    console.error(`private mosquitto at ${MQTT_URL} (no queue limit, 1000 in flight)`);
  }
  console.error(
    `${messages} messages × ${o.k} points, ${o.devices} devices, ${o.clients} publishers ` +
      `(window ${o.window}, lead ${o.lead}, QoS 1), batch ${o.batch}, timeout ${o.timeoutS} s per run`,
  );
  const rows: ResultRow[] = [];
  const step = async (what: string, f: () => Promise<ResultRow>) => {
    console.error(`… ${what}`);
    try {
      rows.push(await bounded(what, o.timeoutS + 30, f));
    } catch (e) {
      console.error(`${what} failed: ${e instanceof Error ? e.message : e}`);
      rows.push({
        name: what,
        points: messages * o.k,
        seconds: NaN,
        stored: 0,
        notes: [`failed: ${e instanceof Error ? e.message.slice(0, 200) : e}`],
      });
    }
  };
  if (o.only !== "influx") {
    await step("raw COPY", () => rawCopy(id, o, messages));
    await step("gateway → PostgreSQL", () => gatewayRun(id, o, messages, pgSink));
  }
  if (o.only !== "pg") {
    await step("raw line protocol", () => rawLines(id, o, messages));
    await step("gateway → InfluxDB", () => gatewayRun(id, o, messages, influxSink));
  }
  console.log(table(rows));
  broker?.child.kill();
  await broker?.child.status;
}
