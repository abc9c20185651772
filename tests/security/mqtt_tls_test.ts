// MQTT over TLS to a Mosquitto listener the test configures with certificates it makes (a CA,
// the broker's certificate, a client certificate the broker requires): the MQTT source takes
// messages, the MQTT sink publishes them and the Sparkplug sink is born, all over mqtts://; a
// wrong CA, a wrong server name and a missing client certificate are each refused with the reason.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { clientCert, localCa } from "../helpers/local_ca.ts";
import { PrivateBroker, subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { SparkplugWatch } from "../helpers/sparkplug.ts";

type Actor = { id: string; state: string; reason?: string; counters: Record<string, number> };

Deno.test("MQTT over TLS with a client certificate: source, sink and Sparkplug connect; wrong CA, name or no certificate refused", async () => {
  const ca = await localCa("Plant CA");
  const other = await localCa("Someone else's CA");
  const client = await clientCert(ca, "edge-gateway");
  const port = freePort();
  const broker = new PrivateBroker(port, undefined, { ...ca, requireCertificate: true });
  await broker.start();
  const dir = await Deno.makeTempDir({ prefix: "mqtt-tls-" });
  const api = freePort();
  const url = `mqtts://127.0.0.1:${port}`;
  const tls = { ca_file: ca.ca, cert_file: client.cert, key_file: client.key };
  const sink = (extra: Record<string, unknown>) => ({ kind: "mqtt", url, qos: 1, ...extra });
  const gw = await GatewayProcess.start({
    gateway: { name: "edge-tls" },
    api: { port: api },
    devices: {
      line: {
        kind: "mqtt",
        url,
        tls,
        subscriptions: [{ topic: "plant/in/#" }],
        mapping: { device: "line", values_path: "" },
        buffer: { dir: `${dir}/line`, fsync: "never" },
      },
    },
    sinks: {
      out: sink({ tls, topic_prefix: "out/" }),
      sp: {
        kind: "sparkplug",
        url,
        tls,
        group_id: "tlsgroup",
        buffer: { dir: `${dir}/sp`, fsync: "never" },
      },
      wrong_ca: sink({ tls: { ...tls, ca_file: other.ca } }),
      wrong_name: sink({ tls: { ...tls, server_name: "broker.elsewhere.example" } }),
      no_cert: sink({ tls: { ca_file: ca.ca } }),
    },
  }, api);
  const clientArgs = ["--cafile", ca.ca, "--cert", client.cert, "--key", client.key];
  const out = subscribe("out/#", 1, { port, args: clientArgs, timeoutS: 60 });
  const watch = new SparkplugWatch("tlsgroup", 60, { port, args: clientArgs });
  const actors = async () => (await gw.get("/api/actors")).body as Actor[];
  try {
    await gw.healthy();
    await Promise.all([out.ready, watch.ready]);
    await eventually("source and sinks over TLS running", async () => {
      const a = await actors();
      const running = ["line", "out", "sp"].map((id) => a.find((x) => x.id === id)?.state);
      return running.every((s) => s === "running") || undefined;
    });
    const pub = await new Deno.Command("mosquitto_pub", {
      args: ["-h", "127.0.0.1", "-p", String(port), ...clientArgs, "-q", "1", "-t", "plant/in/x"]
        .concat(["-m", '{"temp": 21.5}']),
    }).output();
    assert.ok(pub.success, "mosquitto_pub over TLS");
    const [m] = await out.messages;
    assert.match(m.topic, /^out\/.*line\/temp$/);
    assert.equal(JSON.parse(m.payload).value, 21.5);
    await watch.until(
      "the Sparkplug node born over TLS",
      (all) => all.find((x) => x.type === "NBIRTH"),
    );

    const refused = await eventually("the three refusals with their reasons", async () => {
      const a = await actors();
      const pick = (id: string) => a.find((x) => x.id === id)!;
      const r = [pick("wrong_ca"), pick("wrong_name"), pick("no_cert")];
      return r.every((x) => x.state === "degraded" && x.reason) ? r : undefined;
    });
    const [wrongCa, wrongName, noCert] = refused.map((r) => r.reason!);
    assert.match(wrongCa, /^Cannot connect to mqtts:\/\/127\.0\.0\.1:\d+: .*(certificate|issuer)/i);
    assert.match(wrongName, /broker\.elsewhere\.example.*(altnames|not valid)/i);
    assert.match(noCert, /^Cannot connect to mqtts:.*certificate ?required/i);
    for (const [r, what] of [[wrongCa, "wrong CA"], [wrongName, "wrong name"]]) {
      assert.ok(!/pass|secret|key/i.test(r), `${what}: no secret in the reason: ${r}`);
    }
  } finally {
    out.close();
    watch.close();
    await gw.stop();
    await broker.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
