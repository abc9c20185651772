// A three-node JetStream cluster of Debian's nats-server on loopback, the sink's stream with
// three replicas: the node leading the stream is killed while values flow, and the stream still
// ends with every message once. The values come through a broker of the test's own that queues
// without limit: the machine's Mosquitto drops QoS 1 messages past 1,000 queued for a subscriber,
// and under a full test run's load the gateway can fall that far behind a publisher that never
// waits.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { jetstreamManager } from "@nats-io/jetstream";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { PrivateBroker } from "../helpers/mosquitto.ts";
import { natsClient, natsCluster, streamMessages } from "../helpers/nats_server.ts";

const BASE_TS = 1_700_000_000_000;

Deno.test("JetStream cluster of three, the stream leader killed under load: 0 lost, 0 duplicated", async () => {
  const nodes = await natsCluster();
  const id = `c${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const stream = id.toUpperCase();
  const data = await Deno.makeTempDir();
  const api = freePort();
  const broker = await PrivateBroker.queueing(`${data}/broker`);
  const url = broker.url;
  await Deno.writeTextFile(
    `${data}/config.json`,
    JSON.stringify({
      api: { port: api },
      devices: {
        meter: {
          kind: "mqtt",
          url,
          client_id: id,
          subscriptions: [{ topic: `${id}/#`, qos: 1 }],
          mapping: { timestamp_path: "ts" },
          buffer: { dir: `${data}/meter` },
        },
      },
      sinks: {
        js: {
          kind: "nats",
          servers: nodes.map((n) => n.url),
          subject_prefix: id,
          stream: { name: stream, replicas: 3 },
          timeout_ms: 2000,
          batch: { max_samples: 50, max_linger_ms: 5, retry: { initial_ms: 100, max_ms: 1000 } },
          buffer: { dir: `${data}/js` },
        },
      },
    }),
  );
  const gw = new GatewayProcess(`${data}/config.json`, api);
  const pub = await mqtt.connectAsync(url, { clientId: `${id}-pub` });
  const nc = await natsClient(nodes.map((n) => n.url));
  const total = 3000;
  try {
    // Ready once the cluster formed and the sink made its stream.
    await eventually(
      "/ready 200",
      async () => (await gw.get("/ready")).status === 200 || undefined,
    );
    const jsm = await jetstreamManager(nc);
    let killed = "";
    for (let i = 0; i < total; i++) {
      await pub.publishAsync(`${id}/m`, JSON.stringify({ ts: BASE_TS + i, n: i }), { qos: 1 });
      if (i === total / 3) {
        killed = (await jsm.streams.info(stream)).cluster?.leader ?? "";
        await nodes[Number(killed.slice(1)) - 1].kill();
      }
    }
    assert.match(killed, /^n[123]$/, "the stream had a leader, and it was killed");
    const values = await eventually(`${total} messages in ${stream}`, async () => {
      const held = (await jsm.streams.info(stream)).state.messages;
      if (held < total) throw new Error(`${held} messages`);
      return (await streamMessages(nc, stream)).map((m) => (m.body.values as { n: number }).n);
    }, 90_000);
    assert.equal(values.length, total, "each message once");
    assert.deepEqual(
      values.toSorted((a, b) => a - b),
      Array.from({ length: total }, (_, i) => i),
    );
  } finally {
    await gw.stop();
    await pub.endAsync();
    await nc.close();
    for (const n of nodes) await n.stop();
    await broker.stop();
    await Deno.remove(data, { recursive: true });
  }
});
