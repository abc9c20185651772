// A QoS 0 flood into the MQTT source: what cannot wait (beyond max_pending) is dropped and
// counted, the source keeps running, and everything it took reaches the sink.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { mqttSource } from "../../actors/mqtt_source/config.ts";
import { eventually } from "../helpers/net.ts";
import { pairSupervisor } from "../helpers/sink_run.ts";

Deno.test("QoS 0 flood: drops beyond max_pending are counted; what was taken arrives", async () => {
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  const total = 5000;
  const source = {
    ...mqttSource.parse({
      kind: "mqtt",
      url: "mqtt://127.0.0.1:1883",
      client_id: `flood-${id}`,
      session_expiry_s: 0,
      subscriptions: [{ topic: `flood_${id}/#`, qos: 0 }],
      max_pending: 5,
      buffer: { dir: await Deno.makeTempDir(), fsync: "always" },
    }),
    uns: {},
  };
  const { sup, status } = pairSupervisor(
    { id: "in", kind: "mqtt", config: source },
    { id: "sink", kind: "collect", config: {} },
  );
  await sup.start();
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `flood-pub-${id}` });
  try {
    await eventually("source subscribed", () => status("in").state === "running" || undefined);
    for (let i = 0; i < total; i++) {
      pub.publish(`flood_${id}/m`, JSON.stringify({ n: i }), { qos: 0 });
    }
    await pub.endAsync();
    // Settled: every message that reached the source was either taken or dropped, and counted.
    let last = -1;
    const settled = await eventually(
      "counters settle",
      () => {
        const c = status("in").counters;
        const seen = (c.messages ?? 0) + c.dropped;
        const done = seen === last && seen > 0 ? c : undefined;
        last = seen;
        return done;
      },
      30_000,
      1500,
    );
    assert.ok(settled.dropped > 0, `the flood went beyond max_pending: ${JSON.stringify(settled)}`);
    assert.ok((settled.messages ?? 0) + settled.dropped <= total);
    assert.equal(status("in").state, "running");
    assert.equal(status("in").restarts, 0);
    await sup.stop(20_000);
    assert.equal(
      status("sink").counters.samples_in,
      status("in").counters.samples_in,
      "everything taken reached the sink",
    );
  } finally {
    await sup.stop(1000);
  }
});
