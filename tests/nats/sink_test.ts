// The JetStream sink against Debian's nats-server: MQTT messages in, one stream message per
// device and time out; a gateway killed with -9 mid-stream replays what it had not yet marked
// sent, and the stream's duplicate window keeps each message once.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { natsClient, NatsServer, streamMessages } from "../helpers/nats_server.ts";

const BASE_TS = 1_700_000_000_000;

async function setup(server: NatsServer) {
  const id = `n${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const data = await Deno.makeTempDir();
  const api = freePort();
  const config = {
    api: { port: api },
    devices: {
      meter: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        client_id: id,
        subscriptions: [{ topic: `${id}/#`, qos: 1 }],
        mapping: { timestamp_path: "ts" },
        buffer: { dir: `${data}/meter`, fsync: "always" },
      },
    },
    sinks: {
      js: {
        kind: "nats",
        servers: [server.url],
        subject_prefix: id,
        stream: { name: id.toUpperCase() },
        batch: { max_samples: 50, max_linger_ms: 5 },
        buffer: { dir: `${data}/js`, fsync: "always" },
      },
    },
  };
  const file = `${data}/config.json`;
  await Deno.writeTextFile(file, JSON.stringify(config));
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${id}-pub` });
  let nc: NatsConnection | undefined; // the server may be away at first
  const publish = (i: number) =>
    pub.publishAsync(`${id}/m`, JSON.stringify({ ts: BASE_TS + i, n: i }), { qos: 1 });
  /** The stream's messages once it holds `total`: their times, each checked against its value. */
  const stored = (total: number) =>
    eventually(`${total} messages in stream ${id.toUpperCase()}`, async () => {
      nc ??= await natsClient([server.url]);
      const info = await (await jetstreamManager(nc)).streams.info(id.toUpperCase());
      if (info.state.messages < total) throw new Error(`${info.state.messages} messages`);
      return (await streamMessages(nc, id.toUpperCase())).map(({ subject, body }) => {
        assert.ok(subject.startsWith(`${id}.`) && subject.endsWith(".meter"), subject);
        const n = (body.values as { n: number }).n;
        assert.equal(body.timestamp, BASE_TS + n, `message of value ${n}`);
        return n;
      });
    }, 60_000);
  const cleanup = async (gw: GatewayProcess) => {
    await gw.stop();
    await pub.endAsync();
    await nc?.close();
    await Deno.remove(data, { recursive: true });
  };
  return { id, data, file, api, publish, stored, cleanup };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function kill(gw: GatewayProcess): Promise<void> {
  gw.child.kill("SIGKILL");
  await gw.child.status;
  await gw.output;
}

const ready = (gw: GatewayProcess) =>
  eventually("/ready 200", async () => (await gw.get("/ready")).status === 200 || undefined);

Deno.test("JetStream sink: kill -9 mid-stream twice; the stream holds every message once", async () => {
  const server = await NatsServer.start();
  const t = await setup(server);
  const total = 600;
  let gw = new GatewayProcess(t.file, t.api);
  try {
    await ready(gw);
    for (let i = 0; i < total; i++) {
      await t.publish(i);
      if (i === 200 || i === 400) {
        await kill(gw);
        gw = new GatewayProcess(t.file, t.api);
        if (i === 200) await ready(gw);
      }
      // Paces the publisher (not a wait for anything): the kills land while messages flow.
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const values = await t.stored(total);
    assert.deepEqual(values.toSorted((a, b) => a - b), range(total), "each value once");
  } finally {
    await t.cleanup(gw);
    await server.stop();
  }
});

// The crash made certain: the buffer as it was before its records were published comes back,
// as after a kill -9 between the server's ack and the buffer noting it. Everything is sent again
// and the server keeps none of it twice.
Deno.test("JetStream sink: a replay of records already published adds nothing to the stream", async () => {
  const server = await NatsServer.start();
  await server.kill(); // away: what comes in waits in the sink's buffer
  const t = await setup(server);
  const total = 300;
  let gw = new GatewayProcess(t.file, t.api);
  try {
    await eventually("the source subscribed", async () => {
      const actors = (await gw.get("/api/actors")).body as { id: string; state: string }[];
      return actors.find((a) => a.id === "meter")?.state === "running" || undefined;
    });
    for (let i = 0; i < total; i++) await t.publish(i);
    await eventually("every message in the sink's buffer", async () => {
      const sink = ((await gw.get("/api/actors")).body as {
        id: string;
        counters: Record<string, number>;
      }[]).find((a) => a.id === "js")!;
      return sink.counters.samples_in === total || undefined;
    });
    await kill(gw);
    const snapshot = `${t.data}/js-snapshot`;
    await new Deno.Command("cp", { args: ["-a", `${t.data}/js`, snapshot] }).output();
    await server.resume();
    gw = new GatewayProcess(t.file, t.api);
    assert.deepEqual((await t.stored(total)).toSorted((a, b) => a - b), range(total));
    assert.equal((await gw.stop()).code, 0);
    await Deno.remove(`${t.data}/js`, { recursive: true });
    await Deno.rename(snapshot, `${t.data}/js`);
    gw = new GatewayProcess(t.file, t.api);
    const duplicates = await eventually("the replay sent", async () => {
      const sink = ((await gw.get("/api/actors")).body as {
        id: string;
        counters: Record<string, number>;
      }[]).find((a) => a.id === "js")!;
      return sink.counters.samples_out === total ? sink.counters.duplicates : undefined;
    });
    assert.equal(duplicates, total, "every replayed message was a duplicate");
    const values = await t.stored(total);
    assert.equal(values.length, total, "the stream still holds each message once");
  } finally {
    await t.cleanup(gw);
    await server.stop();
  }
});
