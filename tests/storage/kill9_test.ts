// kill -9 of the gateway mid-stream (MQTT source → TimescaleDB sink, both disk-buffered): after a
// restart, every message published arrives exactly once.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";
import { BASE_TS, eachOnce, mqttIntoTable as setup } from "../helpers/mqtt_table.ts";

async function kill(gw: GatewayProcess): Promise<void> {
  gw.child.kill("SIGKILL");
  await gw.child.status;
  await gw.output;
}

async function actors(gw: GatewayProcess) {
  return (await gw.get("/api/actors")).body as {
    id: string;
    state: string;
    counters: Record<string, number>;
  }[];
}

// Killed twice while messages flow: a record leaves the source's buffer only once the sink has
// it in its own, so every kill lands somewhere in that hand-over and nothing may go missing.
Deno.test("kill -9 mid-stream twice, restarts: nothing accepted is lost, nothing duplicated", async () => {
  const total = 800;
  const t = await setup("k9", {
    buffer: { fsync: "always" },
    batch: { max_samples: 100, max_linger_ms: 10 },
  }, { fsync: "always" });
  const ready = (gw: GatewayProcess) =>
    eventually("/ready 200", async () => (await gw.get("/ready")).status === 200 || undefined);
  let gw = new GatewayProcess(t.file, t.api);
  try {
    await ready(gw);
    for (let i = 0; i < total; i++) {
      await t.publish(i);
      if (i === 250 || i === 550) {
        await kill(gw);
        gw = new GatewayProcess(t.file, t.api);
        if (i === 250) await ready(gw); // the second kill lands mid-flow too, not mid-start
      }
      // Paces the publisher on purpose (not a wait for anything): the stream spreads over time,
      // so the kills land while messages flow.
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(
      await t.stored(total),
      eachOnce(total),
      `${total} rows holding values 0…${total - 1} once each: none lost, none duplicated`,
    );
    const misdated = await psql(
      `SELECT count(*) FROM ${t.id} WHERE extract(epoch from time) * 1000 - ${BASE_TS} <> value`,
    );
    assert.equal(Number(misdated), 0, "rows whose time is not BASE_TS + value: expected none");
  } finally {
    await t.cleanup(gw);
  }
});

// The hand-over made wide on purpose: the database is away and the sink's buffer is full, so
// batches wait in the router's queue and the sink's input. A kill -9 then must not lose them:
// they are still in the source's buffer, and the next start (database back) stores them.
Deno.test("kill -9 while the sink's buffer is full: batches waiting in between are kept", async () => {
  const total = 600;
  const t = await setup("k9q", {
    url: "postgres://postgres@127.0.0.1:${K9_PG_PORT}/test",
    queue: { max_samples: 200 },
    buffer: { max_bytes: 4096, when_full: "block" },
  });
  let gw = new GatewayProcess(t.file, t.api, { K9_PG_PORT: String(freePort()) }); // nothing listens
  try {
    await eventually("the source subscribed", async () => {
      return (await actors(gw)).find((a) => a.id === "meter")?.state === "running" || undefined;
    });
    for (let i = 0; i < total; i++) await t.publish(i);
    // The check before the kill: the source took every message and batches wait for the sink.
    await eventually("all taken, some waiting past the full buffer", async () => {
      const all = await actors(gw);
      const source = all.find((a) => a.id === "meter")!.counters;
      const sink = all.find((a) => a.id === "db")!.counters;
      return source.samples_in === total && sink.queue_depth > 0 || undefined;
    });
    await kill(gw);
    gw = new GatewayProcess(t.file, t.api, { K9_PG_PORT: "5432" });
    assert.deepEqual(
      await t.stored(total),
      eachOnce(total),
      `${total} rows holding values 0…${total - 1} once each: the waiting batches were kept`,
    );
  } finally {
    await t.cleanup(gw);
  }
});
