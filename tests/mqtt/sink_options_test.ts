// The MQTT sink's publishing options against Mosquitto, read by mosquitto_sub: a retained topic
// family (a late subscriber gets the last temperature at once, humidity is not retained), MQTT 5
// message expiry and user properties, a retained status topic (online; offline "stopped" at a
// stop, "connection lost" as the will after kill -9), and two sinks at once, an edge broker and a
// central one behind a link that goes down: the edge one goes on, the central one catches up from
// its own queue.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { TcpProxy } from "../helpers/tcp_proxy.ts";

/** A message as mosquitto_sub -F %J prints it. */
interface Seen {
  topic: string;
  retain: boolean | number;
  properties?: { "message-expiry-interval"?: number; "user-properties"?: unknown };
  payload: { value: number; ts: number; state?: string; reason?: string };
}
const parse = (m: { payload: string }) => JSON.parse(m.payload) as Seen;

Deno.test("mqtt sink: retained families, MQTT 5 properties, a status topic, and an edge and a central sink", async () => {
  const p = `opt_${crypto.randomUUID().slice(0, 8)}/`;
  const [sim, api, link] = [freePort(), freePort(), freePort()];
  const proxy = new TcpProxy(link, 1883);
  proxy.restore();
  const config = {
    gateway: { name: "edge11" },
    api: { port: api },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 200 } },
    devices: {
      demo: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 200,
        tags: [
          { name: "temperature", address: "1!40001", type: "int16" },
          { name: "humidity", address: "1!40002", type: "int16" },
        ],
      },
    },
    sinks: {
      edge: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        topic_prefix: `${p}edge/`,
        retain: [`${p}edge/+/temperature`],
        status_topic: `${p}status/{gateway}/$state`,
        message_expiry_s: 60,
        user_properties: { site: "plant1" },
      },
      central: {
        kind: "mqtt",
        url: `mqtt://127.0.0.1:${link}`,
        topic_prefix: `${p}central/`,
        reconnect: { initial_ms: 200, max_ms: 500 },
        queue: { max_samples: 100_000, when_full: "drop_oldest" },
      },
    },
  };
  const status = async () => {
    const s = subscribe(`${p}status/#`, 1, { json: true, timeoutS: 30 });
    return parse((await s.messages)[0]);
  };
  const central = subscribe(`${p}central/#`, 1_000_000, { timeoutS: 120 });
  let gw = await GatewayProcess.start(config, api);
  try {
    await gw.healthy();
    await central.ready;
    // Retained: a subscriber that comes after it gets it at once (retain flag 1).
    const online = await eventually("the retained online status", async () => {
      const s = await status();
      return s.retain === 1 && s.payload.state === "online" ? s : undefined;
    });
    assert.equal(online.topic, `${p}status/edge11/$state`);

    // A late subscriber: the retained temperature first, then live values; humidity never retained.
    await eventually(
      "values published",
      async () =>
        ((await gw.get("/api/actors")).body as { id: string; counters: { samples_out: number } }[])
            .find((a) => a.id === "edge")!.counters.samples_out > 4 || undefined,
    );
    const late = subscribe(`${p}edge/#`, 6, { json: true, timeoutS: 30 });
    const seen = (await late.messages).map(parse);
    assert.equal(seen[0].topic, `${p}edge/demo/temperature`);
    assert.equal(seen[0].retain, 1, "the last temperature at once, retained");
    assert.ok(seen.filter((m) => m.topic.endsWith("humidity")).every((m) => !m.retain));
    for (const m of seen) {
      assert.ok((m.properties?.["message-expiry-interval"] ?? 0) > 0, "message expiry set");
      assert.match(JSON.stringify(m.properties?.["user-properties"]), /site.*plant1/);
    }

    // The central link down: the edge sink goes on, the central one is degraded, then catches up.
    proxy.cut();
    const cutAt = Date.now();
    await eventually(
      "the central sink degraded",
      async () =>
        ((await gw.get("/api/actors")).body as { id: string; state: string }[])
            .find((a) => a.id === "central")!.state === "degraded" || undefined,
    );
    const edgeLive = subscribe(`${p}edge/demo/temperature`.replace(/temperature$/, "#"), 10, {
      timeoutS: 30,
    });
    await edgeLive.ready;
    const during = (await edgeLive.messages).map((m) => JSON.parse(m.payload).ts as number);
    assert.ok(during.filter((ts) => ts > cutAt).length >= 5, "the edge sink went on");
    proxy.restore();
    const times = (topic: string) =>
      new Set(
        central.received.filter((m) => m.topic === topic).map((m) => JSON.parse(m.payload).ts),
      );
    await eventually("the central sink delivered what it held", () => {
      const got = times(`${p}central/demo/temperature`);
      return during.every((ts) => got.has(ts)) || undefined;
    });

    // Stopped: offline "stopped". Killed: the will, offline "connection lost".
    await gw.stop();
    const stopped = await status();
    assert.deepEqual([stopped.payload.state, stopped.payload.reason], ["offline", "stopped"]);
    gw = await GatewayProcess.start(config, api);
    await gw.healthy();
    await eventually(
      "online again",
      async () => (await status()).payload.state === "online" || undefined,
    );
    gw.child.kill("SIGKILL");
    await gw.child.status;
    const killed = await eventually("the will", async () => {
      const s = await status();
      return s.payload.state === "offline" ? s : undefined;
    });
    assert.equal(killed.payload.reason, "connection lost");
  } finally {
    central.close();
    proxy.cut();
    await gw.stop();
    for (const t of [`${p}status/edge11/$state`, `${p}edge/demo/temperature`]) {
      await new Deno.Command("mosquitto_pub", { args: ["-t", t, "-r", "-n"] }).output();
    }
  }
});
