// The MQTT sink publishes batches without waiting for the broker's acks of the ones before; cut
// the broker's port mid-stream and every sample still reaches an independent subscriber (at least
// once), and the sink acks the router only what the broker took.
import assert from "node:assert/strict";
import { mqttSink } from "../../actors/mqtt/config.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { pairSupervisor } from "../helpers/sink_run.ts";
import { TcpProxy } from "../helpers/tcp_proxy.ts";

Deno.test("the MQTT sink's port cut mid-stream: batches in flight are sent again, none is missing", async () => {
  const total = 3000;
  const prefix = `sinkcut_${crypto.randomUUID().slice(0, 8)}/`;
  const proxy = new TcpProxy(freePort(), 1883);
  proxy.restore();
  const sink = {
    ...mqttSink.parse({
      kind: "mqtt",
      url: `mqtt://127.0.0.1:${proxy.port}`,
      topic_prefix: prefix,
      reconnect: { initial_ms: 100, max_ms: 500 },
    }),
    client_id: prefix,
  };
  const { sup, status } = pairSupervisor(
    { id: "dev", kind: "counter", config: { interval_ms: 5, batch: 10, total } },
    { id: "mqtt", kind: "mqtt", config: sink },
  );
  const sub = subscribe(`${prefix}#`, total * 2, { timeoutS: 90 });
  await sub.ready;
  await sup.start();
  try {
    await eventually(
      "some published",
      () => status("mqtt").counters.samples_out > 300 || undefined,
    );
    proxy.cut();
    await eventually(
      "the sink sees the broker gone",
      () => status("mqtt").state === "degraded" || undefined,
    );
    // Samples pile up meanwhile: the device sends on (up to its total) what the sink cannot
    // publish, far more than the sink holds in flight.
    const sent = status("dev").counters.samples_out;
    await eventually(
      "samples pile up while the broker is away",
      () => status("dev").counters.samples_out >= Math.min(total, sent + 500) || undefined,
    );
    proxy.restore();
    await eventually(
      "the device sent all",
      () => status("dev").counters.samples_out >= total || undefined,
    );
    await eventually(
      "the sink published all",
      () => status("mqtt").counters.samples_out >= total || undefined,
    );
    const values = await eventually("the subscriber got every value", () => {
      const seen = new Set(sub.received.map((m) => JSON.parse(m.payload).value as number));
      return seen.size >= total ? seen : undefined;
    });
    assert.deepEqual([Math.min(...values), Math.max(...values)], [0, total - 1]);
    assert.equal(status("mqtt").counters.samples_out, total, "each batch acked once");
    assert.ok(status("mqtt").counters.errors >= 1, "the cut was seen");
  } finally {
    sub.close();
    await sub.messages;
    proxy.cut();
    await sup.stop(10_000);
  }
});
