import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Rows } from "../../src/runtime/kit.ts";

/** A range of one tag's history, at most `points` long. */
export interface HistoryQuery {
  path: string;
  /** ms since the epoch, inclusive */
  from: number;
  /** ms since the epoch, inclusive */
  to: number;
  points: number;
}

/**
 * One tag's samples over a range, in columns (as a chart takes them). Raw samples when there are
 * at most `points`; else one point per step of `step_ms` (its first sample's time), `value` being
 * the step's average and `min`/`max` its extremes. `quality` is the worst of the step (0 good,
 * 1 uncertain, 2 bad); a step without samples is left out, so a gap stays a gap.
 */
export interface HistorySeries {
  path: string;
  from: number;
  to: number;
  step_ms: number;
  ts: number[];
  value: (number | string | null)[];
  min?: (number | null)[];
  max?: (number | null)[];
  quality: number[];
}

/** µs in the table (two samples of one ms stay two), ms outside. */
const US = 1000;
/** The rollup's step: a minute, in µs. */
const MINUTE_US = 60_000_000;

/**
 * The embedded history: every sample in one SQLite file, keyed by (path, time) so a replay adds
 * nothing, clustered by path so one tag's range is one index scan. Times are µs. Beside the
 * samples, a rollup a minute per tag (count, sum, min, max, worst quality) is kept as rows are
 * written (only rows that were new: a replay counts nothing twice), so a long range downsamples
 * from the rollup rather than from every sample: 7 days at 1 s are 10,080 rollup rows.
 */
export class HistoryStore {
  readonly #db: DatabaseSync;
  readonly #paths = new Map<string, number>();
  readonly #insert: StatementSync;
  readonly #addPath: StatementSync;
  readonly #pathId: StatementSync;
  readonly #rollup: StatementSync;

  constructor(file: string, { fsync = true } = {}) {
    this.#db = new DatabaseSync(file);
    this.#db.exec(`
      PRAGMA auto_vacuum = INCREMENTAL;
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = ${fsync ? "FULL" : "NORMAL"};
      CREATE TABLE IF NOT EXISTS paths (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS samples (
        path_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL, text TEXT,
        quality INTEGER NOT NULL, reason TEXT, PRIMARY KEY (path_id, ts)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS rollup_1m (
        path_id INTEGER NOT NULL, minute INTEGER NOT NULL, n INTEGER NOT NULL, sum REAL,
        min REAL, max REAL, quality INTEGER NOT NULL, PRIMARY KEY (path_id, minute)
      ) WITHOUT ROWID;`);
    if (Number(this.#db.prepare("PRAGMA user_version").get()!.user_version) < 1) {
      // A file from before the rollup: make it from the samples once.
      this.#db.exec(`
        INSERT OR REPLACE INTO rollup_1m
          SELECT path_id, ts / ${MINUTE_US}, count(value), sum(value), min(value), max(value),
            max(quality) FROM samples GROUP BY path_id, ts / ${MINUTE_US};
        PRAGMA user_version = 1;`);
    }
    this.#insert = this.#db.prepare(
      "INSERT OR IGNORE INTO samples (path_id, ts, value, text, quality, reason) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#addPath = this.#db.prepare("INSERT OR IGNORE INTO paths (path) VALUES (?)");
    this.#pathId = this.#db.prepare("SELECT id FROM paths WHERE path = ?");
    this.#rollup = this.#db.prepare(`
      INSERT INTO rollup_1m (path_id, minute, n, sum, min, max, quality) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (path_id, minute) DO UPDATE SET
        n = n + excluded.n,
        sum = coalesce(sum, 0) + coalesce(excluded.sum, 0),
        min = min(coalesce(min, excluded.min), coalesce(excluded.min, min)),
        max = max(coalesce(max, excluded.max), coalesce(excluded.max, max)),
        quality = max(quality, excluded.quality)`);
    for (const row of this.#db.prepare("SELECT id, path FROM paths").all()) {
      this.#paths.set(row.path as string, Number(row.id));
    }
  }

  /** Writes rows in one transaction; a row already stored (same path and time) is skipped. */
  write(rows: Rows): void {
    const minutes = new Map<number, Minute>();
    this.#db.exec("BEGIN");
    try {
      for (const b of rows.blocks) {
        const ids = b.paths.map((p) => this.#id(p));
        for (let i = 0; i < b.count; i++) {
          const v = b.value[i], id = ids[b.path[i]], ts = Math.round(b.ts[i] * US);
          const text = b.text?.get(i) ?? null;
          const value = Number.isNaN(v) ? null : v;
          const { changes } = this.#insert.run(
            id,
            ts,
            value,
            text,
            b.quality[i],
            b.reasons?.get(i) ?? null,
          );
          if (Number(changes) === 0) continue; // stored before: already in the rollup
          const minute = Math.floor(ts / MINUTE_US);
          const key = id * 1e8 + minute;
          let m = minutes.get(key);
          if (!m) {
            minutes.set(key, m = { id, minute, n: 0, sum: 0, min: Infinity, max: -Infinity, q: 0 });
          }
          if (value !== null && text === null) {
            m.n++;
            m.sum += value;
            if (value < m.min) m.min = value;
            if (value > m.max) m.max = value;
          }
          if (b.quality[i] > m.q) m.q = b.quality[i];
        }
      }
      for (const m of minutes.values()) {
        const some = m.n > 0;
        this.#rollup.run(
          m.id,
          m.minute,
          m.n,
          some ? m.sum : null,
          some ? m.min : null,
          some ? m.max : null,
          m.q,
        );
      }
      this.#db.exec("COMMIT");
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }

  /** A range of one tag's samples, downsampled in SQL to at most `points` (see HistorySeries). */
  query(q: HistoryQuery): HistorySeries {
    const id = this.#paths.get(q.path);
    const series: HistorySeries = {
      path: q.path,
      from: q.from,
      to: q.to,
      step_ms: 0,
      ts: [],
      value: [],
      quality: [],
    };
    if (id === undefined) return series;
    const from = Math.round(q.from * US), to = Math.round(q.to * US);
    const step = Math.ceil((to - from + 1) / q.points / US) * US; // whole ms
    if (step >= MINUTE_US) return this.#fromRollup(id, from, to, step, series);
    const count = Number(
      this.#db.prepare("SELECT count(*) AS n FROM samples WHERE path_id = ? AND ts BETWEEN ? AND ?")
        .get(id, from, to)!.n,
    );
    if (count <= q.points) {
      const rows = this.#db.prepare(
        "SELECT ts, value, text, quality FROM samples WHERE path_id = ? AND ts BETWEEN ? AND ? ORDER BY ts",
      ).all(id, from, to);
      for (const r of rows) {
        series.ts.push(Number(r.ts) / US);
        series.value.push(r.text !== null ? r.text as string : r.value as number | null);
        series.quality.push(Number(r.quality));
      }
      return series;
    }
    series.step_ms = step / US;
    series.min = [];
    series.max = [];
    const rows = this.#db.prepare(
      `SELECT min(ts) AS t, avg(value) AS a, min(value) AS lo, max(value) AS hi, max(quality) AS q
       FROM samples WHERE path_id = ? AND ts BETWEEN ? AND ?
       GROUP BY CAST((ts - ?) / ? AS INTEGER) ORDER BY t`,
    ).all(id, from, to, from, step);
    for (const r of rows) {
      series.ts.push(Number(r.t) / US);
      series.value.push(r.a as number | null);
      series.min.push(r.lo as number | null);
      series.max.push(r.hi as number | null);
      series.quality.push(Number(r.q));
    }
    return series;
  }

  /** Steps of a minute or more, from the rollup: a step's minutes merged. */
  #fromRollup(id: number, from: number, to: number, step: number, series: HistorySeries) {
    series.step_ms = step / US;
    series.min = [];
    series.max = [];
    const rows = this.#db.prepare(
      `SELECT min(minute) AS m, sum(sum) / nullif(sum(n), 0) AS a, min(min) AS lo, max(max) AS hi,
         max(quality) AS q
       FROM rollup_1m WHERE path_id = ? AND minute BETWEEN ? AND ?
       GROUP BY CAST((minute * ${MINUTE_US} - ?) / ? AS INTEGER) ORDER BY m`,
    ).all(id, Math.floor(from / MINUTE_US), Math.floor(to / MINUTE_US), from, step);
    for (const r of rows) {
      series.ts.push(Math.max(Number(r.m) * MINUTE_US, from) / US);
      series.value.push(r.a as number | null);
      series.min.push(r.lo as number | null);
      series.max.push(r.hi as number | null);
      series.quality.push(Number(r.q));
    }
    return series;
  }

  /**
   * Deletes samples older than `retainMs`, then, while the file is over `maxBytes`, the oldest
   * tenth of what is left; gives the freed pages back to the file system. Returns rows deleted.
   */
  retain(nowMs: number, retainMs: number, maxBytes: number): number {
    let deleted = this.#deleteBefore(Math.round((nowMs - retainMs) * US));
    for (let round = 0; round < 20 && this.bytes() > maxBytes; round++) {
      const oldest = this.#oldest();
      if (oldest === undefined) break;
      const cut = oldest + Math.max(1, Math.floor((nowMs * US - oldest) / 10));
      deleted += this.#deleteBefore(cut);
      this.#db.exec("PRAGMA incremental_vacuum");
    }
    if (deleted > 0) this.#db.exec("PRAGMA incremental_vacuum");
    return deleted;
  }

  /** The database's size in bytes (pages in use). */
  bytes(): number {
    const page = Number(this.#db.prepare("PRAGMA page_size").get()!.page_size);
    const pages = Number(this.#db.prepare("PRAGMA page_count").get()!.page_count);
    const free = Number(this.#db.prepare("PRAGMA freelist_count").get()!.freelist_count);
    return (pages - free) * page;
  }

  close(): void {
    this.#db.close();
  }

  #deleteBefore(tsUs: number): number {
    const del = this.#db.prepare("DELETE FROM samples WHERE path_id = ? AND ts < ?");
    const delMinutes = this.#db.prepare("DELETE FROM rollup_1m WHERE path_id = ? AND minute < ?");
    let n = 0;
    for (const id of this.#paths.values()) {
      n += Number(del.run(id, tsUs).changes);
      delMinutes.run(id, Math.floor(tsUs / MINUTE_US));
    }
    return n;
  }

  #oldest(): number | undefined {
    const first = this.#db.prepare("SELECT ts FROM samples WHERE path_id = ? ORDER BY ts LIMIT 1");
    let oldest: number | undefined;
    for (const id of this.#paths.values()) {
      const r = first.get(id);
      if (r && (oldest === undefined || Number(r.ts) < oldest)) oldest = Number(r.ts);
    }
    return oldest;
  }

  #id(path: string): number {
    let id = this.#paths.get(path);
    if (id === undefined) {
      this.#addPath.run(path);
      id = Number(this.#pathId.get(path)!.id);
      this.#paths.set(path, id);
    }
    return id;
  }
}

/** One tag's minute of the rollup, as a write adds to it. */
interface Minute {
  id: number;
  minute: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  q: number;
}
