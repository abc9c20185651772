// A sink dies with batches in flight: the MQTT source still holds their records in its buffer (no
// receipt came back) and sends them again, so every message arrives. Both when the sink runs in a
// worker of its own and when it shares the source's (a local link, see localPorts).
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { mqttSource } from "../../actors/mqtt_source/config.ts";
import { eventually } from "../helpers/net.ts";
import { pairSupervisor } from "../helpers/sink_run.ts";

for (const placement of [undefined, "pool"]) {
  const where = placement ? "in the source's worker" : "in its own worker";
  Deno.test(`a sink that dies with batches unacked (${where}): the source sends them again, nothing is missing`, async () => {
    const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
    const total = 400;
    const dir = await Deno.makeTempDir();
    const source = {
      ...mqttSource.parse({
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        client_id: `resend-${id}`,
        session_expiry_s: 0,
        subscriptions: [{ topic: `resend_${id}/#`, qos: 1 }],
        buffer: { dir: `${dir}/source`, fsync: "never" },
      }),
      uns: {},
    };
    const file = `${dir}/values.txt`;
    const { sup, status, router } = pairSupervisor(
      { id: "in", kind: "mqtt", config: source, placement },
      { id: "sink", kind: "flaky", config: { file, crash_after: 3 }, placement },
    );
    await sup.start();
    const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `resend-pub-${id}` });
    try {
      await eventually("source subscribed", () => status("in").state === "running" || undefined);
      for (let i = 0; i < total; i++) {
        await pub.publishAsync(`resend_${id}/m`, JSON.stringify({ n: i }), { qos: 1 });
        // Paces the publisher on purpose (not a wait for anything): the stream comes in several
        // batches, so some are in flight when the sink crashes.
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 10));
      }
      const seen = await eventually("every value stored", async () => {
        const text = await Deno.readTextFile(file).catch(() => "");
        const values = new Set(text.split("\n").filter(Boolean).map(Number));
        return values.size === total ? values : undefined;
      });
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i));
      assert.equal(status("sink").restarts, 1, "the sink crashed once");
      // The source's worker counts them and reports its queues a few times a second.
      await eventually(
        "batches were in flight when it did",
        () => router.sinkQueue("sink").lost_batches > 0 || undefined,
      );
      await eventually(
        "resend counted",
        () => (status("in").counters.resent ?? 0) > 0 || undefined,
      );
    } finally {
      await pub.endAsync();
      await sup.stop(20_000);
    }
  });
}
