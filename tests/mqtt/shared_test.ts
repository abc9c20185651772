// The MQTT source with several connections: one shared subscription splits the stream among its
// clients, and every message lands exactly once.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually } from "../helpers/net.ts";
import { eachOnce, mqttIntoTable } from "../helpers/mqtt_table.ts";

/** Clients of the source. */
const CONNECTIONS = 3;
/** Messages published after the stream, one per client, to show that no client got a copy. */
const FENCES = CONNECTIONS;

Deno.test("connections 3: the stream is split among three clients, each message stored once", async () => {
  const total = 900;
  const t = await mqttIntoTable("shared", {}, {}, { connections: CONNECTIONS });
  const gw = new GatewayProcess(t.file, t.api);
  /** The first report of the source's message counter at `atLeast` or above. */
  const counted = (atLeast: number) =>
    eventually(`the source counted ${atLeast} messages`, async () => {
      const all = (await gw.get("/api/actors")).body as {
        id: string;
        counters: Record<string, number>;
      }[];
      const n = all.find((a) => a.id === "meter")?.counters.messages ?? 0;
      return n >= atLeast ? n : undefined;
    });
  try {
    await eventually(
      "/ready 200",
      async () => (await gw.get("/ready")).status === 200 || undefined,
    );
    for (let i = 0; i < total; i++) await t.publish(i);
    assert.deepEqual(await t.stored(total), eachOnce(total), `messages 0…${total - 1} once each`);
    // Shared, not three plain subscriptions: each message reached one client (the table's key
    // would hide copies; the source's message counter does not).
    const taken = await counted(total);
    // No late copies either. Mosquitto hands a shared subscription's messages round robin, so
    // each client gets one fence, and it sends a client its messages in order: once the fences
    // are counted, so is any copy of the stream's messages that a client was sent.
    for (let i = total; i < total + FENCES; i++) await t.publish(i);
    assert.deepEqual(await t.stored(total + FENCES), eachOnce(total + FENCES), "fences stored");
    const after = await counted(total + FENCES);
    assert.deepEqual(
      [taken, after],
      [total, total + FENCES],
      "messages the source counted (after the stream, after the fences): each once",
    );
  } finally {
    await t.cleanup(gw);
  }
});
