// The embedded history (issue #18): its write rate next to a raw node:sqlite insert loop in the same
// run, and the time to query one tag over 7 days at 1 s. Prints a Markdown table for BENCHMARKS.md.
//   deno task bench:history [--rows 1000000] [--queries 20]
//
// Rows are 100 tags × (rows/100) seconds. Raw: a prepared INSERT into the same table (same key,
// same pragmas: WAL, synchronous FULL) in transactions of 10,000 rows. Store: HistoryStore.write
// with blocks of 10,000 rows as the sink hands them over. Sink: the history sink actor in the
// gateway's runtime, fed by a device actor over its port, its disk buffer and drain, from the
// first sample to the last row stored.
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { historySink } from "../actors/history/config.ts";
import { HistoryStore } from "../actors/history/store.ts";
import { Quality } from "../src/model/sample.ts";
import { type Row, Rows } from "../src/runtime/kit.ts";
import { runCounterInto } from "../tests/helpers/sink_run.ts";
import { quantile } from "./stats.ts";

const BATCH = 10_000;
const T0 = Date.UTC(2026, 10, 1);

function rawLoop(file: string, rows: number): number {
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
    CREATE TABLE samples (path_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text TEXT,
      quality INTEGER NOT NULL, reason TEXT, PRIMARY KEY (path_id, ts)) WITHOUT ROWID;`);
  const insert = db.prepare(
    "INSERT OR IGNORE INTO samples (path_id, ts, value, text, quality, reason) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const t0 = performance.now();
  for (let i = 0; i < rows; i += BATCH) {
    db.exec("BEGIN");
    for (let j = i; j < Math.min(rows, i + BATCH); j++) {
      insert.run(j % 100, (T0 + Math.floor(j / 100) * 1000) * 1000, j, null, 0, null);
    }
    db.exec("COMMIT");
  }
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return rows / seconds;
}

function storeWrites(file: string, rows: number): number {
  const store = new HistoryStore(file);
  const blocks: Rows[] = [];
  for (let i = 0; i < rows; i += BATCH) {
    const chunk: Row[] = [];
    for (let j = i; j < Math.min(rows, i + BATCH); j++) {
      chunk.push([
        `plant/line/dev${j % 100}/t`,
        T0 + Math.floor(j / 100) * 1000,
        j,
        null,
        Quality.good,
        null,
      ]);
    }
    blocks.push(Rows.of(chunk));
  }
  const t0 = performance.now();
  for (const b of blocks) store.write(b);
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  return rows / seconds;
}

async function sinkRun(dir: string, rows: number): Promise<number> {
  const config = historySink.parse({
    kind: "history",
    file: `${dir}/sink.sqlite`,
    buffer: { dir: `${dir}/buffer`, fsync: "interval" },
  });
  const t0 = performance.now();
  const { clean, sink } = await runCounterInto("meter", "history", config, rows);
  const seconds = (performance.now() - t0) / 1000;
  if (!clean) throw new Error("the history sink did not drain in time");
  const db = new DatabaseSync(`${dir}/sink.sqlite`, { readOnly: true });
  const stored = Number(db.prepare("SELECT count(*) AS n FROM samples").get()!.n);
  db.close();
  if (stored !== rows) {
    throw new Error(`stored ${stored} of ${rows} (sink ${JSON.stringify(sink.counters)})`);
  }
  return rows / seconds;
}

/** Query times (ms) for 1,000 points of one tag over 7 days at 1 s, and an hour's raw samples. */
function queries(file: string, n: number): { week: number[]; hour: number[] } {
  const store = new HistoryStore(file);
  const week = 7 * 86_400;
  for (let s = 0; s < week; s += BATCH) {
    const chunk: Row[] = [];
    for (let k = s; k < Math.min(week, s + BATCH); k++) {
      chunk.push(["plant/line/dev0/t", T0 + k * 1000, Math.sin(k / 600), null, Quality.good, null]);
    }
    store.write(Rows.of(chunk));
  }
  const time = (q: () => void) => {
    const t0 = performance.now();
    q();
    return performance.now() - t0;
  };
  const weekTimes = [], hourTimes = [];
  for (let i = 0; i < n; i++) {
    weekTimes.push(
      time(() =>
        store.query({ path: "plant/line/dev0/t", from: T0, to: T0 + week * 1000, points: 1000 })
      ),
    );
    const from = T0 + (i % 100) * 3_600_000;
    hourTimes.push(
      time(() =>
        store.query({ path: "plant/line/dev0/t", from, to: from + 3_599_999, points: 10_000 })
      ),
    );
  }
  store.close();
  return { week: weekTimes, hour: hourTimes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "1000000" },
      queries: { type: "string", default: "20" },
    },
  });
  const rows = Number(values.rows), n = Number(values.queries);
  const dir = await Deno.makeTempDir({ prefix: "bench-history-" });
  try {
    const raw = rawLoop(`${dir}/raw.sqlite`, rows);
    const store = storeWrites(`${dir}/store.sqlite`, rows);
    const sink = await sinkRun(dir, rows);
    const q = queries(`${dir}/query.sqlite`, n);
    const f = (x: number) => Math.round(x).toLocaleString("en");
    const ms = (xs: number[]) =>
      `${quantile(xs, 0.5).toFixed(1)} / ${quantile(xs, 0.99).toFixed(1)}`;
    console.log(
      `History: ${
        rows.toLocaleString("en")
      } rows (100 tags), transactions of ${BATCH}, WAL, synchronous FULL; ` +
        `queries over 604,800 samples of one tag; ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ` +
        `SQLite via node:sqlite, ${new Date().toISOString()}.\n`,
    );
    console.log("| run | rows/s | of raw |\n| --- | ---: | ---: |");
    console.log(`| raw node:sqlite INSERT loop | ${f(raw)} | – |`);
    console.log(
      `| HistoryStore.write (the sink's SQL) | ${f(store)} | ${(store / raw * 100).toFixed(0)} % |`,
    );
    console.log(
      `| history sink: device → disk buffer → SQLite | ${f(sink)} | ${
        (sink / raw * 100).toFixed(0)
      } % |`,
    );
    console.log(`\n| query | p50 / p99 ms (${n} runs) |\n| --- | ---: |`);
    console.log(`| one tag, 7 days at 1 s → 1,000 points (min/max/avg in SQL) | ${ms(q.week)} |`);
    console.log(`| one tag, one hour raw (3,600 samples) | ${ms(q.hour)} |`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
