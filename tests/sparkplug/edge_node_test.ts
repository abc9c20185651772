// The gateway as a Sparkplug B edge node on Mosquitto, every message read back by protoc
// --decode_raw and checked by the specification's field numbers: NBIRTH (seq 0, bdSeq, Node
// Control/Rebirth, both aliased), DBIRTH (each tag's name, alias, datatype, unit), DDATA by alias
// only, seq wrapping past 255, a rebirth on NCMD with the same bdSeq, and bdSeq across a stop
// (NDEATH sent), a restart and a kill -9 (the will published by the broker).
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { Buffer } from "node:buffer";
import { encodePayload } from "../../actors/sparkplug/proto.ts";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { freePort } from "../helpers/net.ts";
import {
  bdSeqOf,
  field,
  METRIC,
  metricsOf,
  propertiesOf,
  seqOf,
  SparkplugWatch,
  type SpMessage,
} from "../helpers/sparkplug.ts";

const count = (all: SpMessage[], type: string) => all.filter((m) => m.type === type).length;

Deno.test("sparkplug edge node: births, aliases, seq, rebirth and bdSeq across stop, restart and kill -9", async () => {
  const group = `g${crypto.randomUUID().slice(0, 8)}`;
  const dir = await Deno.makeTempDir({ prefix: "sparkplug-node-" });
  const [sim, api] = [freePort(), freePort()];
  const config = {
    gateway: { name: "edge7" },
    api: { port: api },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 20 } },
    devices: {
      demo: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 20,
        tags: [
          { name: "temperature", address: "1!40001", type: "int16", unit: "degC" },
          { name: "humidity", address: "1!40002", type: "uint16" },
        ],
      },
    },
    sinks: {
      sp: {
        kind: "sparkplug",
        url: "mqtt://127.0.0.1:1883",
        group_id: group,
        rebirth_min_interval_ms: 0,
        max_metrics_per_message: 1, // a message per value: seq wraps within seconds
        batch: { max_samples: 1, max_linger_ms: 0 },
        buffer: { dir: `${dir}/sp`, fsync: "never" },
      },
    },
  };
  // Thousands of one-metric messages: the test can outlast the watch's default 120 s.
  const watch = new SparkplugWatch(group, 420);
  const start = () => GatewayProcess.start(config, api);
  let gw = await start();
  try {
    await watch.ready;
    const all = await watch.until(
      "NBIRTH, DBIRTH and 300 DDATA",
      (all) => all.filter((m) => m.type === "DDATA").length >= 300 ? all : undefined,
    );
    const node = `spBv1.0/${group}/NBIRTH/edge7`;
    assert.equal(all[0].topic, node, "the NBIRTH first");
    assert.equal(seqOf(all[0]), 0, "NBIRTH seq 0");
    const [bd, rebirth] = metricsOf(all[0]);
    assert.deepEqual(
      [field(bd, METRIC.name), field(bd, METRIC.alias), field(bd, METRIC.datatype)],
      ["bdSeq", "0", "4"],
    );
    const bdSeq0 = bdSeqOf(all[0]);
    assert.deepEqual(
      [
        field(rebirth, METRIC.name),
        field(rebirth, METRIC.alias),
        field(rebirth, METRIC.datatype),
        field(rebirth, METRIC.bool),
      ],
      ["Node Control/Rebirth", "1", "11", "0"],
    );
    const dbirth = all.find((m) => m.type === "DBIRTH")!;
    assert.equal(dbirth.topic, `spBv1.0/${group}/DBIRTH/edge7/demo`);
    const defs = metricsOf(dbirth).map((m) => ({
      name: field(m, METRIC.name),
      alias: field(m, METRIC.alias),
      datatype: field(m, METRIC.datatype),
      unit: propertiesOf(m).engUnit,
    }));
    assert.deepEqual(defs, [
      { name: "temperature", alias: "2", datatype: "2", unit: "degC" },
      { name: "humidity", alias: "3", datatype: "6", unit: undefined },
    ]);
    // DDATA: by alias only, each alias one the DBIRTH named, with a value of its type's field.
    for (const m of all.filter((m) => m.type === "DDATA")) {
      for (const metric of metricsOf(m)) {
        assert.equal(field(metric, METRIC.name), undefined, "no name in DDATA");
        assert.ok(["2", "3"].includes(field(metric, METRIC.alias)!));
        assert.ok(field(metric, METRIC.int) !== undefined, "16-bit values in int_value");
      }
    }
    // seq: one more with every message after the NBIRTH, wrapping from 255 to 0.
    const seqs = all.map(seqOf);
    seqs.forEach((s, i) => assert.equal(s, i % 256, `message ${i} (${all[i].type}) seq`));
    assert.ok(seqs.length > 256, "wrapped past 255");

    // NCMD rebirth: a new NBIRTH with the same bdSeq (seq 0 again) and the DBIRTH.
    const before = all.length;
    const cmd = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${group}-host` });
    await cmd.publishAsync(
      `spBv1.0/${group}/NCMD/edge7`,
      Buffer.from(encodePayload({
        timestamp: Date.now(),
        metrics: [{ name: "Node Control/Rebirth", datatype: 11, boolean_value: true }],
      })),
      { qos: 0 },
    );
    await cmd.endAsync();
    const reborn = await watch.until(
      "a new NBIRTH after the NCMD",
      (all) => all.slice(before).find((m) => m.type === "NBIRTH"),
    );
    assert.equal(bdSeqOf(reborn), bdSeq0, "rebirth keeps the bdSeq");
    assert.equal(seqOf(reborn), 0);
    const after = (await watch.all()).slice((await watch.all()).indexOf(reborn));
    assert.equal(after[1]?.type, "DBIRTH", "then the DBIRTH");
    assert.equal(seqOf(after[1]), 1);

    // Stop: an NDEATH with the session's bdSeq. Start: the next bdSeq.
    await gw.stop();
    const deaths = await watch.until(
      "the NDEATH at stop",
      (all) =>
        all.filter((m) => m.type === "NDEATH").length === 1
          ? all.filter((m) => m.type === "NDEATH")
          : undefined,
    );
    assert.equal(bdSeqOf(deaths[0]), bdSeq0);
    assert.equal(seqOf(deaths[0]), undefined, "NDEATH has no seq");
    gw = await start();
    const births = await watch.until(
      "the NBIRTH after the restart",
      (all) =>
        all.filter((m) => m.type === "NBIRTH").length === 3
          ? all.filter((m) => m.type === "NBIRTH")
          : undefined,
    );
    assert.equal(bdSeqOf(births[2]), (bdSeq0 + 1) % 256);

    // kill -9: the broker publishes the will, with that session's bdSeq; the next NBIRTH follows.
    await watch.until(
      "data after the restart",
      (all) => all.indexOf(births[2]) < all.length - 5 || undefined,
    );
    gw.child.kill("SIGKILL");
    await gw.child.status;
    const will = await watch.until(
      "the will (NDEATH) after kill -9",
      (all) => all.filter((m) => m.type === "NDEATH")[1],
    );
    assert.equal(bdSeqOf(will), (bdSeq0 + 1) % 256, "the will carries the killed session's bdSeq");
    gw = await start();
    const third = await watch.until(
      "the NBIRTH after kill -9",
      (all) => all.filter((m) => m.type === "NBIRTH")[3],
    );
    assert.equal(bdSeqOf(third), (bdSeq0 + 2) % 256, "a new bdSeq, never an old one");
    assert.equal(count(await watch.all(), "NDEATH"), 2);
  } finally {
    await gw.stop();
    watch.close();
    await Deno.remove(dir, { recursive: true });
  }
});
