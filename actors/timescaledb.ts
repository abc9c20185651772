import pg from "pg";
import type { TimescaledbSinkConfig } from "../src/config/timescaledb.ts";
import type { ActorContext } from "../src/runtime/actor.ts";
import { type Row, runBufferedSink, type SinkWriter, type Verdict } from "./buffered_sink.ts";

const q = (name: string) => `"${name}"`;

/** Creates the narrow table (a hypertable where the timescaledb extension exists) and wide tables. */
async function ensureSchema(client: pg.Client, cfg: TimescaledbSinkConfig): Promise<void> {
  const table = `${q(cfg.schema)}.${q(cfg.table)}`;
  const timescale =
    (await client.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")).rowCount! > 0;
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${q(cfg.schema)}`);
  if (cfg.narrow) {
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      time timestamptz NOT NULL, path text NOT NULL, value double precision, text_value text,
      quality smallint NOT NULL, reason text, PRIMARY KEY (path, time))`);
    if (timescale) {
      await client.query(
        `SELECT create_hypertable($1, 'time', chunk_time_interval => $2::interval, if_not_exists => true)`,
        [
          `${cfg.schema}.${cfg.table}`,
          cfg.hypertable.chunk_interval,
        ],
      );
      if (cfg.hypertable.compress_after) {
        await client.query(
          `ALTER TABLE ${table} SET (timescaledb.compress, timescaledb.compress_segmentby = 'path')`,
        );
        await client.query(
          `SELECT add_compression_policy($1, $2::interval, if_not_exists => true)`,
          [`${cfg.schema}.${cfg.table}`, cfg.hypertable.compress_after],
        );
      }
      if (cfg.hypertable.retain) {
        await client.query(`SELECT add_retention_policy($1, $2::interval, if_not_exists => true)`, [
          `${cfg.schema}.${cfg.table}`,
          cfg.hypertable.retain,
        ]);
      }
    } else {
      await client.query(
        `CREATE INDEX IF NOT EXISTS ${q(`${cfg.table}_time_idx`)} ON ${table} (time DESC)`,
      );
    }
  }
  for (const w of cfg.wide) {
    const cols = Object.keys(w.columns).map((c) => `${q(c)} double precision`).join(", ");
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${q(cfg.schema)}.${
        q(w.table)
      } (time timestamptz NOT NULL, ${cols})`,
    );
    // One row per poll time: the key that makes a replayed write add nothing.
    await client.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${q(`${w.table}_time_key`)} ON ${q(cfg.schema)}.${
        q(w.table)
      } (time)`,
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

async function connect(cfg: TimescaledbSinkConfig): Promise<SinkWriter> {
  const client = new pg.Client({ connectionString: cfg.url, connectionTimeoutMillis: 5000 });
  client.on("error", () => {/* surfaced by the next query */});
  await client.connect();
  await ensureSchema(client, cfg);
  const table = `${q(cfg.schema)}.${q(cfg.table)}`;
  return {
    async write(rows) {
      await client.query("BEGIN");
      try {
        if (cfg.narrow) {
          await client.query(
            `INSERT INTO ${table} (time, path, value, text_value, quality, reason)
             SELECT to_timestamp(t / 1000.0), p, v, x, qu, r
             FROM unnest($1::text[], $2::float8[], $3::float8[], $4::text[], $5::int2[], $6::text[]) AS u(p, t, v, x, qu, r)
             ON CONFLICT DO NOTHING`,
            [
              rows.map((r) => r[0]),
              rows.map((r) => r[1]),
              rows.map((r) => r[2]),
              rows.map((r) => r[3]),
              rows.map((r) => r[4]),
              rows.map((r) => r[5]),
            ],
          );
        }
        for (const w of cfg.wide) {
          const polls = wideRows(rows, w);
          if (polls.size === 0) continue;
          const cols = Object.keys(w.columns);
          const ts = [...polls.keys()];
          const params = [ts, ...cols.map((c) => ts.map((t) => polls.get(t)![c] ?? null))];
          const unnest = params.map((_, i) => `$${i + 1}::float8[]`).join(", ");
          const names = cols.map(q).join(", ");
          await client.query(
            `INSERT INTO ${q(cfg.schema)}.${q(w.table)} (time, ${names})
             SELECT to_timestamp(t / 1000.0), ${cols.map((_, i) => `c${i}`).join(", ")}
             FROM unnest(${unnest}) AS u(t, ${cols.map((_, i) => `c${i}`).join(", ")})
             ON CONFLICT (time) DO NOTHING`,
            params,
          );
        }
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
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
export default async function timescaledb(ctx: ActorContext): Promise<void> {
  const cfg = ctx.config as TimescaledbSinkConfig;
  await runBufferedSink(ctx, cfg, () => connect(cfg));
}
