// A primary host offline for 30 s while 20,000 points flow: the node sends its NDEATH and waits
// on a new session; nothing is published meanwhile and the points wait in the sink's disk buffer.
// When the host's STATE is online again: a new NBIRTH (the next bdSeq) and DBIRTH, then every held
// point in order, historical, then live ones; every point exactly once (read by protoc).
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { float64 } from "../helpers/protoc.ts";
import {
  bdSeqOf,
  field,
  METRIC,
  metricsOf,
  SparkplugWatch,
  type SpMessage,
} from "../helpers/sparkplug.ts";

const TOTAL = 20_000;
/** Points a second: 20,000 over 40 s, the host offline from the 5th second to the 35th. */
const RATE = 500;

Deno.test("sparkplug primary host: offline 30 s under 20,000 points, then BIRTH and every point once, in order, historical", async () => {
  const group = `g${crypto.randomUUID().slice(0, 8)}`;
  const hostId = `scada-${group}`;
  const dir = await Deno.makeTempDir({ prefix: "sparkplug-host-" });
  const api = freePort();
  const stateTopic = `spBv1.0/STATE/${hostId}`;
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${group}-pub` });
  let stamp = Date.now();
  const hostIs = (online: boolean) =>
    pub.publishAsync(stateTopic, JSON.stringify({ online, timestamp: ++stamp }), {
      qos: 1,
      retain: true,
    });
  await hostIs(true);
  const gw = await GatewayProcess.start({
    gateway: { name: "edge10" },
    api: { port: api },
    devices: {
      feed: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        subscriptions: [{ topic: `${group}/in` }],
        mapping: { device: "feed", values_path: "v", timestamp_path: "ts" },
        buffer: { dir: `${dir}/feed`, fsync: "never" },
      },
    },
    sinks: {
      sp: {
        kind: "sparkplug",
        url: "mqtt://127.0.0.1:1883",
        group_id: group,
        primary_host_id: hostId,
        buffer: { dir: `${dir}/sp`, fsync: "never" },
      },
    },
  }, api);
  const watch = new SparkplugWatch(group, 420);
  const base = Date.now();
  try {
    await watch.ready;
    await watch.until("NBIRTH", (all) => all.find((m) => m.type === "NBIRTH"));
    // The feed subscribes in its own worker, on its own time: a point published before the broker
    // has its subscription reaches no one (under the full suite's load the first 450 points were
    // published before it). Running means every subscription was acknowledged.
    await eventually("the feed subscribed", async () => {
      const actors = (await gw.get("/api/actors")).body as { id: string; state: string }[];
      return actors.find((a) => a.id === "feed" && a.state === "running");
    });
    for (let i = 0; i < TOTAL; i++) {
      // Each point its own time (ts), so "older than the birth" is exact.
      pub.publish(`${group}/in`, JSON.stringify({ v: { n: i }, ts: base + i }), { qos: 1 });
      if (i === 5 * RATE) await hostIs(false);
      if (i === 35 * RATE) await hostIs(true);
      // Paces the publisher (not a wait for a condition): the points flow across the outage.
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 100));
    }
    const all = await watch.until(`all ${TOTAL} points`, (all) => {
      const n = points(all).length;
      return n >= TOTAL ? all : undefined;
      // Every message is decoded by a protoc process of its own: slow on a busy machine.
    }, 300_000);

    const births = all.filter((m) => m.type === "NBIRTH");
    const deaths = all.filter((m) => m.type === "NDEATH");
    assert.equal(births.length, 2, "born again once the host is back");
    assert.equal(deaths.length, 1, "an NDEATH when the host went offline");
    assert.equal(bdSeqOf(deaths[0]), bdSeqOf(births[0]));
    assert.equal(bdSeqOf(births[1]), (bdSeqOf(births[0]) + 1) % 256, "a new session");
    const [death, rebirth] = [all.indexOf(deaths[0]), all.indexOf(births[1])];
    assert.ok(
      !all.slice(death, rebirth).some((m) => m.type === "DDATA"),
      "nothing published while the host is offline",
    );
    assert.equal(all[rebirth + 1].type, "DBIRTH", "the DBIRTH right after the NBIRTH");

    const seen = points(all);
    const values = seen.map((p) => p.n);
    assert.deepEqual(values, Array.from({ length: TOTAL }, (_, i) => i), "each once, in order");
    // Historical exactly when older than the value of the device's last DBIRTH before it.
    const birthTs = (index: number) => {
      const b = all.slice(0, index).findLast((m) => m.type === "DBIRTH")!;
      return Number(field(metricsOf(b)[0], METRIC.timestamp));
    };
    assert.deepEqual(
      seen.map((p) => p.historical),
      seen.map((p) => p.ts < birthTs(p.index)),
      "historical exactly when older than the birth's value",
    );
    const held = seen.filter((p) => p.index > rebirth && p.historical);
    assert.ok(held.length >= 29 * RATE, `${held.length} held points sent as historical`);
    const status = await eventually(
      "the sink's counters",
      async () =>
        ((await gw.get("/api/actors")).body as { id: string; counters: Record<string, number> }[])
          .find((a) => a.id === "sp" && a.counters.samples_out >= TOTAL),
    );
    assert.equal(status.counters.dropped ?? 0, 0);
  } finally {
    await pub.publishAsync(stateTopic, "", { qos: 1, retain: true }); // clear the retained STATE
    await pub.endAsync();
    watch.close();
    await gw.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/** The DDATA values of the feed's one metric, in order, with where they came and their flags. */
function points(all: SpMessage[]) {
  return all.flatMap((m, index) =>
    m.type !== "DDATA" ? [] : metricsOf(m).map((x) => ({
      index,
      n: float64(field(x, METRIC.double)!),
      ts: Number(field(x, METRIC.timestamp)),
      historical: field(x, METRIC.is_historical) === "1",
    }))
  );
}
