// Shutdown drains: samples queued for the MQTT sink when stop is requested still reach the broker.
import assert from "node:assert/strict";
import { mqttSink } from "../../actors/mqtt/config.ts";
import { Router } from "../../src/runtime/router.ts";
import { Supervisor } from "../../src/runtime/supervisor.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually } from "../helpers/net.ts";

Deno.test("stop drains every queued sample into the broker before returning", async () => {
  const total = 5000;
  const prefix = `drain_${crypto.randomUUID().slice(0, 8)}/`;
  const router = new Router(
    new Map([["burst", ["mqtt"]]]),
    new Map([["mqtt", { maxSamples: total, whenFull: "block" as const }]]),
    2,
  );
  const sink = {
    ...mqttSink.parse({ kind: "mqtt", url: "mqtt://127.0.0.1:1883", topic_prefix: prefix }),
    client_id: prefix,
  };
  const supervisor = new Supervisor(
    [
      {
        id: "burst",
        kind: "counter",
        role: "device",
        config: { interval_ms: 0, batch: 50, total },
      },
      { id: "mqtt", kind: "mqtt", role: "sink", config: sink },
    ],
    router,
    {
      workerUrl: new URL("../fixtures/test_worker.ts", import.meta.url),
      restart: { initialMs: 100, maxMs: 1000 },
      stableMs: 10_000,
      logLevel: "warn",
    },
  );
  const sub = subscribe(`${prefix}#`, total, { timeoutS: 60 });
  await sub.ready;
  await supervisor.start();
  const queued = await eventually(
    "samples queued for the sink",
    () => {
      const q = router.sinkQueue("mqtt");
      return q.samples > 0 ? q.samples : undefined;
    },
    60_000,
    1,
  );
  const clean = await supervisor.stop(30_000);
  assert.equal(clean, true, "drained before the deadline");
  assert.ok(queued > 0);
  // The device stopped producing when asked; everything it had sent must reach the broker.
  const sent = supervisor.status().find((a) => a.id === "burst")!.counters.samples_out;
  assert.ok(sent >= queued, `device sent ${sent}, fewer than the ${queued} seen queued`);
  const received = await eventually(
    "the subscriber got every sample sent",
    () => {
      return sub.received.length >= sent ? sub.received : undefined;
    },
    30_000,
    50,
  );
  sub.close();
  await sub.messages;
  const values = new Set(received.map((m) => JSON.parse(m.payload).value));
  assert.equal(values.size, sent, `the broker got ${values.size} distinct samples of ${sent} sent`);
  assert.deepEqual([Math.min(...values), Math.max(...values)], [0, sent - 1]);
  const status = supervisor.status().find((a) => a.id === "mqtt")!;
  assert.equal(status.counters.samples_out, sent);
  assert.equal(status.counters.dropped, 0);
});
