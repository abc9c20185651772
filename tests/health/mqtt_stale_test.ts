// An MQTT source tag with an expected interval whose publisher stops is published once as
// uncertain with the reason "stale since <time>", and good again with the next value; a tag with
// no expected interval never goes stale.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { subscribe } from "../helpers/mosquitto.ts";

interface Published {
  value: unknown;
  ts: number;
  quality: string;
  reason?: string;
}

Deno.test("mqtt source: an expected tag whose publisher stops is published stale once, fresh when it resumes", async () => {
  const prefix = `stale_${crypto.randomUUID().slice(0, 8)}/`;
  const api = freePort();
  const dir = await Deno.makeTempDir({ prefix: "mqtt-stale-" });
  const gw = await GatewayProcess.start({
    api: { port: api },
    devices: {
      line: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        subscriptions: [{ topic: `${prefix}in/#` }],
        mapping: { device: "oven", values_path: "" },
        expected: [{ tag: "temp", interval_ms: 300 }],
        buffer: { dir: `${dir}/line`, fsync: "never" },
      },
    },
    sinks: {
      out: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        topic_prefix: `${prefix}out/`,
        qos: 1,
      },
    },
  }, api);
  const sub = subscribe(`${prefix}out/#`, 100_000, { timeoutS: 60 });
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${prefix}pub` });
  let n = 0;
  /** Publishes `{clock, temp?}` every 100 ms; `temp` only while `sending`. */
  let sending = true;
  const timer = setInterval(() => {
    n++;
    const payload = sending ? { clock: n, temp: 20 + n / 100 } : { clock: n };
    pub.publish(`${prefix}in/oven`, JSON.stringify(payload), { qos: 1 });
  }, 100);
  const of = (tag: string) =>
    sub.received.filter((m) => m.topic.endsWith(`/oven/${tag}`))
      .map((m) => JSON.parse(m.payload) as Published);
  try {
    await gw.healthy();
    await sub.ready;
    await eventually("temp published good", () => of("temp").length > 0 || undefined);
    assert.ok(of("temp").every((p) => p.quality === "good"));

    sending = false;
    const stale = await eventually("temp published stale", () => {
      const s = of("temp").filter((p) => p.quality !== "good");
      return s.length > 0 ? s : undefined;
    });
    assert.equal(stale[0].quality, "uncertain");
    // Stale since the last value came: not before it was sampled, and before the stale sample.
    const lastGood = of("temp").filter((p) => p.quality === "good").at(-1)!;
    const since = Date.parse(stale[0].reason?.match(/^stale since (\S+)$/)?.[1] ?? "");
    assert.ok(
      since >= lastGood.ts && since <= stale[0].ts,
      `${stale[0].reason}: last good value at ${lastGood.ts}, stale sample at ${stale[0].ts}`,
    );
    // Time passes (ten more clock values arrive, over three times the stale limit): still once.
    const clocks = of("clock").length;
    await eventually("ten more clock values", () => of("clock").length >= clocks + 10 || undefined);
    assert.equal(of("temp").filter((p) => p.quality !== "good").length, 1, "stale published once");
    assert.ok(of("clock").every((p) => p.quality === "good"), "a tag with no interval stays good");

    const before = of("temp").length;
    sending = true;
    const fresh = await eventually("temp fresh again", () => of("temp")[before]);
    assert.equal(fresh.quality, "good");
    assert.equal(fresh.reason, undefined);
  } finally {
    clearInterval(timer);
    await pub.endAsync();
    sub.close();
    await gw.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
