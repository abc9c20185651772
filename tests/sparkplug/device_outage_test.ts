// A device whose connection is lost becomes dead to the Sparkplug host: its tags go out bad
// (is_null, Quality 0, the reason), then a DDEATH; once it answers again, a DBIRTH (every metric
// with its value and Quality 192) comes before its data. Another device goes on meanwhile, and
// seq counts every message of the session without a gap.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { HostileModbus } from "../helpers/hostile_modbus.ts";
import { freePort } from "../helpers/net.ts";
import {
  field,
  METRIC,
  metricsOf,
  propertiesOf,
  seqOf,
  SparkplugWatch,
} from "../helpers/sparkplug.ts";

Deno.test("sparkplug: DDEATH when a device's connection is lost, DBIRTH when it is back", async () => {
  const group = `g${crypto.randomUUID().slice(0, 8)}`;
  const dir = await Deno.makeTempDir({ prefix: "sparkplug-outage-" });
  const server = new HostileModbus();
  const [sim, api] = [freePort(), freePort()];
  const device = (port: number) => ({
    kind: "modbus",
    host: "127.0.0.1",
    port,
    interval_ms: 200,
    timeout_ms: 150,
    retries: 0,
    reconnect: { initial_ms: 100, max_ms: 200 },
    tags: [
      { name: "speed", address: "1!40001", type: "int16" },
      { name: "count", address: "1!40002", type: "uint16" },
    ],
  });
  const gw = await GatewayProcess.start({
    gateway: { name: "edge8" },
    api: { port: api },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 200 } },
    devices: { press: device(server.port), other: device(sim) },
    sinks: {
      sp: {
        kind: "sparkplug",
        url: "mqtt://127.0.0.1:1883",
        group_id: group,
        batch: { max_linger_ms: 20 },
        buffer: { dir: `${dir}/sp`, fsync: "never" },
      },
    },
  }, api);
  const watch = new SparkplugWatch(group);
  try {
    await watch.ready;
    await watch.until(
      "press born and sending",
      (all) => all.some((m) => m.type === "DDATA" && m.device === "press") || undefined,
    );
    server.behaviour = { kind: "close" };
    const death = await watch.until("DDEATH of press", (all) =>
      all.findIndex((m) =>
          m.type === "DDEATH" && m.device === "press"
        ) + 1 || undefined) - 1;
    let all = await watch.all();
    // Before the DDEATH: both tags bad, as nulls with their quality and reason.
    const last = all.slice(0, death).filter((m) =>
      m.type === "DDATA" && m.device === "press"
    );
    const bad = last.flatMap(metricsOf).slice(-2);
    for (const m of bad) {
      assert.equal(field(m, METRIC.is_null), "1", "a bad value is null");
      const props = propertiesOf(m);
      assert.equal(props.Quality, "0");
      assert.match(props.Reason ?? "", /connection|closed|timed out/);
    }
    assert.deepEqual(new Set(bad.map((m) => field(m, METRIC.alias))).size, 2, "both tags");

    server.behaviour = { kind: "right" };
    const birth = await watch.until("DBIRTH of press after the DDEATH", (all) =>
      all.findIndex((m, i) =>
          i > death && m.type === "DBIRTH" && m.device === "press"
        ) + 1 ||
      undefined) - 1;
    all = await watch.until("data of press after the DBIRTH", (all) =>
      all.some((m, i) =>
          i > birth && m.type === "DDATA" && m.device === "press"
        )
        ? all
        : undefined);
    const reborn = metricsOf(all[birth]);
    assert.deepEqual(
      reborn.map((m) =>
        field(m, METRIC.name)
      ),
      ["speed", "count"],
    );
    assert.deepEqual(reborn.map((m) => field(m, METRIC.int)), ["1", "2"], "their current values");
    assert.deepEqual(reborn.map((m) => propertiesOf(m).Quality), ["192", "192"]);
    // No data of press between its DDEATH and its DBIRTH; the other device never died.
    assert.ok(!all.slice(death, birth).some((m) => m.type === "DDATA" && m.device === "press"));
    assert.ok(!all.some((m) => m.type === "DDEATH" && m.device === "other"));
    assert.ok(all.slice(death, birth).some((m) => m.type === "DDATA" && m.device === "other"));
    all.forEach((m, i) => assert.equal(seqOf(m), i % 256, `message ${i} (${m.type}) seq`));
  } finally {
    await gw.stop();
    watch.close();
    server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
