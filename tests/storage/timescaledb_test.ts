// The TimescaleDB sink against real PostgreSQL (plain: no timescaledb extension here), read back
// with psql: every value written once, and a replayed buffer adds nothing.
import assert from "node:assert/strict";
import { timescaledbSink } from "../../actors/timescaledb/config.ts";
import { DiskBuffer } from "../../src/runtime/disk_buffer.ts";
import { psql } from "../helpers/psql.ts";
import { runCounterInto } from "../helpers/sink_run.ts";

function run(table: string, dir: string, total: number) {
  const sink = timescaledbSink.parse({
    kind: "timescaledb",
    url: "postgres://postgres@127.0.0.1:5432/test",
    table,
    buffer: { dir, fsync: "never" },
    batch: { max_samples: 500, max_linger_ms: 20 },
  });
  return runCounterInto("dev", "timescaledb", sink, total);
}

/** Puts rows into a sink's buffer as it would have left them: a crash before their ack, say. */
async function seedBuffer(dir: string, rows: unknown[]): Promise<void> {
  const buffer = await DiskBuffer.open({
    dir,
    maxBytes: 1 << 20,
    segmentBytes: 1 << 16,
    whenFull: "block",
    fsync: "never",
  });
  await buffer.append(new TextEncoder().encode(JSON.stringify(rows)));
  await buffer.close();
}

Deno.test("timescaledb sink: every sample lands once in the narrow table; a replayed buffer adds nothing", async () => {
  const table = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const dir = await Deno.makeTempDir();
  try {
    const { clean, sink: status } = await run(table, dir, 2000);
    assert.equal(clean, true);
    assert.equal(status.counters.samples_out, 2000);
    assert.equal(await psql(`SELECT count(*) FROM ${table}`), "2000");
    assert.equal(
      await psql(
        `SELECT count(DISTINCT value) || ' ' || min(value) || ' ' || max(value) FROM ${table}`,
      ),
      "2000 0 1999",
    );
    assert.equal(
      await psql(`SELECT DISTINCT path || ' ' || quality FROM ${table}`),
      "test/dev/n 0",
    );

    // A crash after a write but before its ack leaves the rows in the buffer: put them back.
    const rows = (await psql(
      `SELECT path, (extract(epoch from time) * 1000)::float8, value FROM ${table} ORDER BY value LIMIT 300`,
    ))
      .split("\n").map((l) => l.split("|")).map((
        [p, t, v],
      ) => [p, Number(t), Number(v), null, 0, null]);
    await seedBuffer(dir, rows);
    const replay = await run(table, dir, 0);
    assert.equal(replay.clean, true);
    assert.equal(replay.sink.counters.samples_out, 300, "the replayed rows were written again");
    assert.equal(await psql(`SELECT count(*) FROM ${table}`), "2000", "and added nothing");
  } finally {
    await psql(`DROP TABLE IF EXISTS ${table}`);
  }
});

Deno.test("timescaledb sink: text values and reasons with tabs, newlines and backslashes arrive intact", async () => {
  const table = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const dir = await Deno.makeTempDir();
  const texts = [
    "tab\there",
    "line\nbreak\r\nend",
    "back\\slash \\N \\t",
    "quote ' \" ; --",
    "ünï ✓",
  ];
  try {
    const rows = texts.map((t, i) => [`a/b/s${i}`, 1e12 + i, null, t, 2, `why:\t${t}`]);
    await seedBuffer(dir, rows);
    const { clean } = await run(table, dir, 0);
    assert.equal(clean, true);
    const back = JSON.parse(
      await psql(
        `SELECT json_agg(json_build_array(text_value, reason) ORDER BY time) FROM ${table}`,
      ),
    );
    assert.deepEqual(back, texts.map((t) => [t, `why:\t${t}`]));
  } finally {
    await psql(`DROP TABLE IF EXISTS ${table}`);
  }
});

Deno.test("timescaledb sink: a row the database rejects is dead-lettered alone, the rest is stored", async () => {
  const table = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const dir = await Deno.makeTempDir();
  try {
    const rows: unknown[] = Array.from(
      { length: 40 },
      (_, i) => [`a/b/n${i}`, 1e12 + i, i, null, 0, null],
    );
    rows[13] = ["a/b/bad", 1e16, 13, null, 0, null]; // no time a Date or PostgreSQL can hold
    rows[29] = ["a/b/worse", 1e12 + 29, null, "nul \u0000 byte", 0, null]; // PostgreSQL refuses
    await seedBuffer(dir, rows);
    const { clean, sink } = await run(table, dir, 0);
    assert.equal(clean, true);
    assert.equal(sink.counters.dead_lettered, 2);
    assert.equal(
      await psql(`SELECT count(*) || ' ' || sum(value) FROM ${table}`),
      `38 ${780 - 42}`,
    );
    const letters = (await Deno.readTextFile(`${dir}/dead_letter.jsonl`)).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(letters.map((l) => l.rows.map((r: unknown[]) => r[0])), [["a/b/bad"], [
      "a/b/worse",
    ]]);
    assert.match(letters[0].reason, /not a time/);
    assert.match(letters[1].reason, /0x00/, "PostgreSQL's own reason");
  } finally {
    await psql(`DROP TABLE IF EXISTS ${table}`);
  }
});

Deno.test("timescaledb sink: a role allowed one connection still gets everything written with max_in_flight 2", async () => {
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 10);
  const [role, table] = [`lim_${id}`, `t_${id}`];
  await psql(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1; GRANT ALL ON SCHEMA public TO ${role}`);
  try {
    const sink = timescaledbSink.parse({
      kind: "timescaledb",
      url: `postgres://${role}@127.0.0.1:5432/test`,
      table,
      buffer: { dir: await Deno.makeTempDir(), fsync: "never" },
      batch: { max_samples: 200, max_linger_ms: 0, max_in_flight: 2 },
    });
    const { clean, sink: status } = await runCounterInto("dev", "timescaledb", sink, 3000);
    assert.equal(clean, true);
    assert.equal(await psql(`SELECT count(DISTINCT value) FROM ${table}`), "3000");
    assert.ok((status.counters.retries ?? 0) > 0, "the second connection was refused");
    assert.equal(status.state, "stopped");
  } finally {
    await psql(`DROP TABLE IF EXISTS ${table}; DROP OWNED BY ${role}; DROP ROLE ${role}`);
  }
});

Deno.test("timescaledb sink: times keep their µs, so samples < 1 ms apart are two rows; a replay adds none", async () => {
  const table = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const dir = await Deno.makeTempDir();
  const rows = [0.25, 0.75, 1.5].map((f, i) => ["a/b/t", 1e12 + f, i, null, 0, null]);
  try {
    for (const pass of ["first", "replayed"]) { // a replay: COPY meets the keys, the upsert skips
      await seedBuffer(dir, rows);
      assert.equal((await run(table, dir, 0)).clean, true);
      assert.equal(
        await psql(
          `SELECT string_agg((extract(microseconds FROM time)::bigint % 1000000)::text, ' ' ORDER BY time) FROM ${table}`,
        ),
        "250 750 1500",
        pass,
      );
    }
  } finally {
    await psql(`DROP TABLE IF EXISTS ${table}`);
  }
});
