import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { TimescaledbSinkConfig } from "./config.ts";
import {
  type ActorContext,
  type Row,
  type Rows,
  runBufferedSink,
  type SinkWriter,
  type Verdict,
} from "../../src/runtime/kit.ts";

const q = (name: string) => `"${name}"`;

/**
 * Creates what is missing: the schema, the narrow table (a hypertable where the timescaledb
 * extension exists) and the wide tables, each with its key. What exists is left alone, so a role
 * allowed only to write into tables made for it works too.
 */
async function ensureSchema(client: pg.Client, cfg: TimescaledbSinkConfig): Promise<void> {
  const table = `${q(cfg.schema)}.${q(cfg.table)}`;
  const one = async (sql: string, params: unknown[]) =>
    (await client.query(sql, params)).rowCount! > 0;
  const exists = (name: string) =>
    one("SELECT 1 WHERE to_regclass($1) IS NOT NULL", [`${q(cfg.schema)}.${q(name)}`]);
  const timescale = await one("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'", []);
  if (!await one("SELECT 1 FROM pg_namespace WHERE nspname = $1", [cfg.schema])) {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q(cfg.schema)}`);
  }
  if (cfg.narrow && !await exists(cfg.table)) {
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      time timestamptz NOT NULL, path text NOT NULL, value double precision, text_value text,
      quality smallint NOT NULL, reason text, PRIMARY KEY (path, time))`);
    if (timescale) await makeHypertable(client, cfg);
    else {
      await client.query(
        `CREATE INDEX IF NOT EXISTS ${q(`${cfg.table}_time_idx`)} ON ${table} (time DESC)`,
      );
    }
  }
  for (const w of cfg.wide) {
    const wide = `${q(cfg.schema)}.${q(w.table)}`;
    if (!await exists(w.table)) {
      const cols = Object.keys(w.columns).map((c) => `${q(c)} double precision`).join(", ");
      await client.query(`CREATE TABLE IF NOT EXISTS ${wide} (time timestamptz NOT NULL, ${cols})`);
    }
    // One row per poll time: the key that makes a replayed write add nothing. A table made
    // elsewhere (the seed's `conditions`) may lack it.
    const keyed = await one(
      `SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
       WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indnkeyatts = 1
         AND a.attnum = i.indkey[0] AND a.attname = 'time'`,
      [wide],
    );
    if (!keyed) {
      await client.query(
        `CREATE UNIQUE INDEX IF NOT EXISTS ${q(`${w.table}_time_key`)} ON ${wide} (time)`,
      );
    }
  }
}

/** Turns the new narrow table into a hypertable with the configured chunks, compression, retention. */
async function makeHypertable(client: pg.Client, cfg: TimescaledbSinkConfig): Promise<void> {
  const name = `${cfg.schema}.${cfg.table}`;
  await client.query(
    `SELECT create_hypertable($1, 'time', chunk_time_interval => $2::interval, if_not_exists => true)`,
    [name, cfg.hypertable.chunk_interval],
  );
  if (cfg.hypertable.compress_after) {
    await client.query(
      `ALTER TABLE ${q(cfg.schema)}.${
        q(cfg.table)
      } SET (timescaledb.compress, timescaledb.compress_segmentby = 'path')`,
    );
    await client.query(
      `SELECT add_compression_policy($1, $2::interval, if_not_exists => true)`,
      [name, cfg.hypertable.compress_after],
    );
  }
  if (cfg.hypertable.retain) {
    await client.query(
      `SELECT add_retention_policy($1, $2::interval, if_not_exists => true)`,
      [name, cfg.hypertable.retain],
    );
  }
}

/** Rows of one wide table: one per poll time, one column per mapped tag (good values only). */
function wideRows(
  rows: Row[],
  w: TimescaledbSinkConfig["wide"][number],
): Map<number, Record<string, number>> {
  const byTag = new Map(Object.entries(w.columns).map(([col, tag]) => [tag, col]));
  const out = new Map<number, Record<string, number>>();
  for (const [path, ts, value, , quality] of rows) {
    const parts = path.split("/");
    const [device, tag] = [parts.at(-2)!, parts.at(-1)!];
    const col = byTag.get(tag);
    if (!col || value === null || quality !== 0 || (w.device && device !== w.device)) continue;
    const row = out.get(ts) ?? {};
    row[col] = value;
    out.set(ts, row);
  }
  return out;
}

/** SQLSTATE classes that no retry can fix: data exceptions and integrity violations. */
function classify(err: unknown): Verdict {
  const code = (err as { code?: string }).code ?? "";
  return code.startsWith("22") || code.startsWith("23") ? "reject" : "retry";
}

/** COPY text escaping: backslash, tab, newline and carriage return. */
const COPY_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
};
const copyText = (s: string | null) =>
  s === null ? "\\N" : s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]);

const utf8 = new TextEncoder();

/**
 * A sample time (ms, fractions kept) as ISO text to the µs, as timestamptz keeps it (toISOString
 * stops at ms). A time no Date holds (±275,760 years) is a data error like PostgreSQL's own
 * (class 22): dead-lettered, never retried.
 */
export function isoTime(ts: number, what: string): string {
  if (!(Math.abs(ts) <= 8.64e15)) {
    throw Object.assign(new Error(`time ${ts} of ${what} is not a time`), { code: "22007" });
  }
  const ms = Math.floor(ts);
  const us = Math.min(999, Math.round((ts - ms) * 1000));
  const iso = new Date(ms).toISOString();
  return us === 0 ? iso : `${iso.slice(0, -1)}${String(us).padStart(3, "0")}Z`;
}

/**
 * Rows as COPY text, one line each, in chunks of 1,000 lines (no one large string per write);
 * the rows of one message share a timestamp, formatted once.
 */
function* copyChunks(rows: Rows): Generator<Buffer> {
  let out = "", lines = 0, lastTs = NaN, iso = "";
  const flush = () => {
    const bytes = utf8.encode(out);
    out = "", lines = 0;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
  for (const b of rows.blocks) {
    const paths = b.paths.map(copyText);
    for (let i = 0; i < b.count; i++) {
      const ts = b.ts[i];
      if (ts !== lastTs) {
        lastTs = ts, iso = isoTime(ts, b.paths[b.path[i]]);
      }
      const v = b.value[i];
      out += `${iso}\t${paths[b.path[i]]}\t${Number.isNaN(v) ? "\\N" : v}\t${
        copyText(b.text?.get(i) ?? null)
      }\t${b.quality[i]}\t${copyText(b.reasons?.get(i) ?? null)}\n`;
      if (++lines === 1000) yield flush();
    }
  }
  if (lines > 0) yield flush();
}

async function copyNarrow(client: pg.Client, table: string, rows: Rows): Promise<void> {
  await pipeline(
    Readable.from(copyChunks(rows)),
    client.query(
      copyFrom(`COPY ${table} (time, path, value, text_value, quality, reason) FROM STDIN`),
    ),
  );
}

async function upsertNarrow(client: pg.Client, table: string, data: Rows): Promise<void> {
  const rows = data.all();
  await client.query(
    `INSERT INTO ${table} (time, path, value, text_value, quality, reason)
     SELECT t, p, v, x, qu, r
     FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::text[], $5::int2[], $6::text[]) AS u(p, t, v, x, qu, r)
     ON CONFLICT DO NOTHING`,
    // Times as the COPY path writes them, so a replay meets the same keys to the µs.
    [0, 1, 2, 3, 4, 5].map((i) => rows.map((r) => i === 1 ? isoTime(r[1], r[0]) : r[i])),
  );
}

async function connect(cfg: TimescaledbSinkConfig): Promise<SinkWriter> {
  const client = new pg.Client({
    connectionString: cfg.url,
    connectionTimeoutMillis: cfg.timeout_ms,
    // A write on a link that drops packets fails after timeout_ms instead of TCP's ~15 minutes.
    query_timeout: cfg.timeout_ms,
    keepAlive: true,
  });
  client.on("error", () => {/* surfaced by the next query */});
  await client.connect();
  try {
    await ensureSchema(client, cfg);
  } catch (err) {
    await client.end().catch(() => {}); // or a role's connection limit fills up with failures
    throw err;
  }
  const table = `${q(cfg.schema)}.${q(cfg.table)}`;
  /** Runs f in a transaction. */
  const inTransaction = async (f: () => Promise<void>) => {
    await client.query("BEGIN");
    try {
      await f();
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    }
  };
  const writeWide = async (data: Rows) => {
    if (cfg.wide.length === 0) return;
    const rows = data.all();
    for (const w of cfg.wide) {
      const polls = wideRows(rows, w);
      if (polls.size === 0) continue;
      const cols = Object.keys(w.columns);
      const ts = [...polls.keys()];
      const params = [
        ts.map((t) => isoTime(t, w.table)),
        ...cols.map((c) => ts.map((t) => polls.get(t)![c] ?? null)),
      ];
      const unnest = params.map((_, i) => `$${i + 1}::${i === 0 ? "timestamptz" : "float8"}[]`)
        .join(", ");
      const names = cols.map(q).join(", ");
      await client.query(
        `INSERT INTO ${q(cfg.schema)}.${q(w.table)} (time, ${names})
         SELECT t, ${cols.map((_, i) => `c${i}`).join(", ")}
         FROM unnest(${unnest}) AS u(t, ${cols.map((_, i) => `c${i}`).join(", ")})
         ON CONFLICT (time) DO NOTHING`,
        params,
      );
    }
  };
  return {
    async write(rows) {
      try {
        // Fast path: COPY straight into the table. A replay after a crash hits the key (23505)
        // and the whole write is done again as an upsert that skips the rows already there.
        await inTransaction(async () => {
          if (cfg.narrow) await copyNarrow(client, table, rows);
          await writeWide(rows);
        });
      } catch (err) {
        if ((err as { code?: string }).code !== "23505") throw err;
        await inTransaction(async () => {
          if (cfg.narrow) await upsertNarrow(client, table, rows);
          await writeWide(rows);
        });
      }
    },
    classify,
    close: () => client.end(),
  };
}

/**
 * The TimescaleDB sink (plain PostgreSQL works too): a narrow table keyed by (path, time), and
 * optional wide tables keyed by time, written idempotently from the disk buffer.
 */
export default async function timescaledb(
  ctx: ActorContext<TimescaledbSinkConfig>,
): Promise<void> {
  const cfg = ctx.config;
  await runBufferedSink(ctx, cfg, () => connect(cfg));
}
