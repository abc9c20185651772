// The TimescaleDB sink against real PostgreSQL (plain: no timescaledb extension here), read back
// with psql: every value written once, and a replayed buffer adds nothing.
import assert from "node:assert/strict";
import { timescaledbSink } from "../src/config/timescaledb.ts";
import { Router } from "../src/runtime/router.ts";
import { Supervisor } from "../src/runtime/supervisor.ts";
import { DiskBuffer } from "../src/runtime/disk_buffer.ts";

const URL_ = "postgres://postgres@127.0.0.1:5432/test";

async function psql(sql: string): Promise<string> {
  const out = await new Deno.Command("psql", {
    args: ["-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-At", "-c", sql],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(`psql: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}

async function run(table: string, dir: string, total: number) {
  const sink = timescaledbSink.parse({
    kind: "timescaledb",
    url: URL_,
    table,
    buffer: { dir, fsync: "never" },
    batch: { max_samples: 500, max_linger_ms: 20 },
  });
  const router = new Router(
    new Map([["dev", ["db"]]]),
    new Map([["db", { maxSamples: 100_000, whenFull: "block" as const }]]),
    8,
  );
  const sup = new Supervisor(
    [
      { id: "dev", kind: "counter", role: "device", config: { interval_ms: 0, batch: 100, total } },
      { id: "db", kind: "timescaledb", role: "sink", config: sink },
    ],
    router,
    {
      workerUrl: new URL("./fixtures/test_worker.ts", import.meta.url),
      channelCapacity: 8,
      restart: { initialMs: 100, maxMs: 1000 },
      stableMs: 10_000,
      logLevel: "warn",
    },
  );
  await sup.start();
  // The counter stops producing at `total`; stop() then drains the buffer into the database.
  for (
    let i = 0;
    i < 200 && (sup.status().find((a) => a.id === "dev")?.counters.samples_out ?? 0) < total;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const clean = await sup.stop(30_000);
  return { clean, status: sup.status().find((a) => a.id === "db")! };
}

Deno.test("timescaledb sink: every sample lands once in the narrow table; a replayed buffer adds nothing", async () => {
  const table = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const dir = await Deno.makeTempDir();
  try {
    const { clean, status } = await run(table, dir, 2000);
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
    const buffer = await DiskBuffer.open({
      dir,
      maxBytes: 1 << 20,
      segmentBytes: 1 << 16,
      whenFull: "block",
      fsync: "never",
    });
    await buffer.append(new TextEncoder().encode(JSON.stringify(rows)));
    await buffer.close();
    const replay = await run(table, dir, 0);
    assert.equal(replay.clean, true);
    assert.equal(replay.status.counters.samples_out, 300, "the replayed rows were written again");
    assert.equal(await psql(`SELECT count(*) FROM ${table}`), "2000", "and added nothing");
  } finally {
    await psql(`DROP TABLE IF EXISTS ${table}`);
  }
});
