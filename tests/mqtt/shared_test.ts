// The MQTT source with several connections: one shared subscription splits the stream among its
// clients, and every message lands exactly once.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually } from "../helpers/net.ts";
import { mqttIntoTable } from "../helpers/mqtt_table.ts";

Deno.test("connections 3: the stream is split among three clients, each message stored once", async () => {
  const total = 900;
  const t = await mqttIntoTable("shared", {}, {}, { connections: 3 });
  const gw = new GatewayProcess(t.file, t.api);
  try {
    await eventually(
      "/ready 200",
      async () => (await gw.get("/ready")).status === 200 || undefined,
    );
    for (let i = 0; i < total; i++) await t.publish(i);
    assert.equal(await t.stored(total), `${total} ${total} 0 ${total - 1}`);
    // Shared, not three plain subscriptions: each message reached one client (the table's key
    // would hide copies; the source's message counter does not).
    const taken = await eventually("messages counted", async () => {
      const all = (await gw.get("/api/actors")).body as {
        id: string;
        counters: Record<string, number>;
      }[];
      const n = all.find((a) => a.id === "meter")?.counters.messages ?? 0;
      return n >= total ? n : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500)); // one more counter report: no late copies
    const after = ((await gw.get("/api/actors")).body as {
      id: string;
      counters: Record<string, number>;
    }[]).find((a) => a.id === "meter")!.counters.messages;
    assert.deepEqual([taken, after], [total, total]);
  } finally {
    await t.cleanup(gw);
  }
});
