// DCMD through the gateway's guarded command path to the OPC UA simulator: the signal light
// switched and read back by a bare node-opcua client, negative 16- and 64-bit values written; a
// metric naming no tag, one of the wrong type and one for a tag that is not writable are refused,
// audited, and write nothing. The DBIRTH carries the simulator's negative values in their
// Sparkplug fields (read by protoc).
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import mqtt from "mqtt";
import { DataType, setValue } from "../../actors/sparkplug/datatypes.ts";
import { encodePayload, type Metric } from "../../actors/sparkplug/proto.ts";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { bareRead } from "../helpers/opcua_bare_read.ts";
import { OpcuaSimProcess } from "../helpers/opcua_sim_process.ts";
import { field, METRIC, metricsOf, SparkplugWatch } from "../helpers/sparkplug.ts";

interface AuditLine {
  channel: string;
  tag: string;
  outcome: string;
  code?: string;
  reason?: string;
}

/** A DCMD metric by name, its value put in the field of `type`. */
function metric(name: string, type: number, value: number | boolean | bigint): Metric {
  const m: Metric = { name, datatype: type, timestamp: Date.now() };
  setValue(m, type, value);
  return m;
}

/** An Int64 as node-opcua reads it ([high, low] words), as a bigint. */
const int64 = (v: unknown) => {
  const [high, low] = v as number[];
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
};

Deno.test("sparkplug DCMD: writes through the command path, read back; refusals audited, nothing written", async () => {
  const group = `g${crypto.randomUUID().slice(0, 8)}`;
  const dir = await Deno.makeTempDir({ prefix: "sparkplug-dcmd-" });
  const sim = new OpcuaSimProcess({ port: freePort(), pkiDir: `${dir}/sim` });
  await sim.start();
  const api = freePort();
  const gw = await GatewayProcess.start({
    gateway: { name: "edge9" },
    api: { port: api },
    commands: { audit_file: `${dir}/audit.jsonl` },
    devices: {
      compressor2: {
        kind: "opcua",
        endpoint: sim.endpoint,
        pki_dir: `${dir}/gw`,
        subscription: { publishing_interval_ms: 100, sampling_interval_ms: 50 },
        tags: [
          { name: "signal_light", node_id: "ns=1;s=Compressor2.SignalLight", writable: true },
          { name: "temperature", node_id: "ns=1;s=Compressor2.Temperature" },
          { name: "i16", node_id: "ns=1;s=Types.Int16", writable: true },
          { name: "i64", node_id: "ns=1;s=Types.Int64", writable: true },
        ],
      },
    },
    sinks: {
      sp: {
        kind: "sparkplug",
        url: "mqtt://127.0.0.1:1883",
        group_id: group,
        commands: true,
        batch: { max_linger_ms: 20 },
        buffer: { dir: `${dir}/sp`, fsync: "never" },
      },
    },
  }, api);
  const watch = new SparkplugWatch(group);
  const host = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${group}-host` });
  const dcmd = (...metrics: Metric[]) =>
    host.publishAsync(
      `spBv1.0/${group}/DCMD/edge9/compressor2`,
      Buffer.from(encodePayload({ timestamp: Date.now(), metrics })),
      { qos: 0 },
    );
  const light = () => bareRead(sim.endpoint, `${dir}/bare`, "ns=1;s=Compressor2.SignalLight");
  const audit = async () =>
    ((await gw.get("/api/audit?limit=100")).body as AuditLine[]).filter((a) =>
      a.channel === "sparkplug"
    );
  try {
    await watch.ready;
    const birth = await watch.until(
      "the DBIRTH with every tag's value",
      (all) =>
        all.find((m) =>
          m.type === "DBIRTH" && metricsOf(m).every((x) => field(x, METRIC.is_null) !== "1")
        ),
    );
    const byName = new Map(metricsOf(birth).map((m) => [field(m, METRIC.name), m]));
    const i16 = byName.get("i16")!, i64 = byName.get("i64")!;
    assert.deepEqual([field(i16, METRIC.datatype), field(i16, METRIC.int)], ["2", "4294954951"]);
    assert.deepEqual(
      [field(i64, METRIC.datatype), field(i64, METRIC.long)],
      ["4", String(2n ** 64n - 1234567890123n)],
    );

    assert.equal(await light(), false);
    await dcmd(metric("signal_light", DataType.Boolean, true));
    await eventually(
      "the light on, read by a bare client",
      async () => (await light()) || undefined,
    );
    const lightAlias = field(byName.get("signal_light")!, METRIC.alias);
    await watch.until(
      "the light's new value as DDATA",
      (all) =>
        all.some((m) =>
          m.type === "DDATA" &&
          metricsOf(m).some((x) =>
            field(x, METRIC.alias) === lightAlias && field(x, METRIC.bool) === "1"
          )
        ) || undefined,
    );
    await dcmd(
      metric("i16", DataType.Int16, -321),
      metric("i64", DataType.Int64, -9007199254740991),
    );
    await eventually("i16 and i64 written", async () => {
      const a = await bareRead(sim.endpoint, `${dir}/bare`, "ns=1;s=Types.Int16");
      const b = int64(await bareRead(sim.endpoint, `${dir}/bare`, "ns=1;s=Types.Int64"));
      return (a === -321 && b === -9007199254740991n) || undefined;
    });

    // Refused: a metric naming no tag, the light as an Int32, a tag that is not writable.
    await dcmd(
      metric("no_such_tag", DataType.Boolean, false),
      metric("signal_light", DataType.Int32, 0),
      metric("temperature", DataType.Double, 5),
    );
    const lines = await eventually("six audit lines", async () => {
      const a = await audit();
      return a.length >= 6 ? a : undefined;
    });
    assert.deepEqual(lines.map((a) => [a.tag, a.outcome, a.code ?? ""]).sort(), [
      ["i16", "done", ""],
      ["i64", "done", ""],
      ["no_such_tag", "refused", "not_found"],
      ["signal_light", "done", ""],
      ["signal_light", "refused", "bad_value"],
      ["temperature", "refused", "forbidden"],
    ]);
    const wrongType = lines.find((a) => a.code === "bad_value")!;
    assert.match(wrongType.reason!, /Int32 value for a Boolean metric/);
    assert.equal(await light(), true, "the refused Int32 0 did not switch the light off");
  } finally {
    await host.endAsync();
    watch.close();
    await gw.stop();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
