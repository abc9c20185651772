// Two gateways as one JetStream consumer group (one durable pull consumer) storing into
// PostgreSQL: one is killed with -9 mid-stream and started again; every message is stored once.
import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { natsClient, NatsServer } from "../helpers/nats_server.ts";
import { BASE_TS, groupIntoTable } from "./group_rig.ts";

Deno.test("JetStream group of two gateways, one killed -9 mid-stream: 0 lost, 0 duplicated", async () => {
  const server = await NatsServer.start();
  const id = `jg_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const nc = await natsClient([server.url]);
  await (await jetstreamManager(nc)).streams.add({ name: id, subjects: [`${id}.>`] });
  const js = jetstream(nc);
  const g = await groupIntoTable(id, (_member, dir) => ({
    kind: "nats",
    servers: [server.url],
    stream: id,
    durable: "group",
    ack_wait_s: 2,
    fetch: 50,
    buffer: { dir, fsync: "always" },
  }));
  const total = 2000;
  try {
    await g.running(0);
    await g.running(1);
    for (let i = 0; i < total; i++) {
      // What the `nats` sink publishes: one message per device and time.
      await js.publish(
        `${id}.plant.meter`,
        JSON.stringify({
          timestamp: BASE_TS + i,
          node: "meter",
          path: "plant/meter",
          values: { n: i },
        }),
      );
      if (i === 700 || i === 1400) await g.killAndRestart(0);
    }
    assert.deepEqual(await g.stored(total), {
      rows: total,
      distinct: total,
      min: 0,
      max: total - 1,
    });
    assert.equal(await g.misdated(), 0, "every row at BASE_TS + its value");
    const taken = async (k: number) =>
      ((await g.gateways[k].get("/api/actors")).body as {
        id: string;
        counters: Record<string, number>;
      }[]).find((a) => a.id === "meter")!.counters.messages ?? 0;
    assert.ok(await taken(1) > 0, "the survivor took its share");
  } finally {
    await g.cleanup();
    await nc.close();
    await server.stop();
  }
});
