// End to end from a config file as a user writes it: the built-in OPC UA simulator → two opcua
// devices sharing a worker → the MQTT sink → Mosquitto → mosquitto_sub; then SIGTERM, and the
// process exits by itself with code 0 (node-opcua's certificate watchers and sockets do not keep
// it alive).
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";

/** The exit code, or undefined when the process is still running after ms. */
async function exited(gw: GatewayProcess, ms: number): Promise<number | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((r) => timer = setTimeout(() => r(undefined), ms));
  const code = await Promise.race([gw.child.status.then((s) => s.code), late]);
  clearTimeout(timer);
  return code;
}

Deno.test("opcua end to end: simulator → device → Mosquitto on UNS topics; clean exit on SIGTERM", async () => {
  const prefix = `opcua_${crypto.randomUUID().slice(0, 8)}/`;
  const [sim, api] = [freePort(), freePort()];
  const dir = await Deno.makeTempDir({ prefix: "opcua-e2e-" });
  const config = {
    api: { port: api },
    gateway: { placement: { opcua: 1 } }, // both OPC UA devices share one worker
    uns: { enterprise: "acme", site: "remote_plant_1", area: "utilities", line: "compressed_air" },
    simulators: {
      c2_sim: { kind: "opcua", port: sim, pki_dir: `${dir}/sim`, users: { op: "${OPCUA_PW}" } },
    },
    devices: {
      compressor2: {
        kind: "opcua",
        endpoint: `opc.tcp://127.0.0.1:${sim}/tagflow`,
        security_policy: "Basic256Sha256",
        security_mode: "SignAndEncrypt",
        auth: { type: "username", username: "op", password: "${OPCUA_PW}" },
        pki_dir: `${dir}/gw`,
        trust_on_first_use: true,
        subscription: { publishing_interval_ms: 200, sampling_interval_ms: 100 },
        tags: [
          { name: "temperature", node_id: "ns=1;s=Compressor2.Temperature", unit: "degC" },
          { name: "run_status", node_id: "ns=1;s=Compressor2.RunStatus" },
        ],
      },
      lights: {
        kind: "opcua",
        endpoint: `opc.tcp://127.0.0.1:${sim}/tagflow`,
        security_policy: "Aes128_Sha256_RsaOaep",
        security_mode: "Sign",
        pki_dir: `${dir}/gw`, // the same application certificate as compressor2
        trust_on_first_use: true,
        tags: [{ name: "signal_light", node_id: "ns=1;s=Compressor2.SignalLight" }],
      },
    },
    sinks: { mqtt: { kind: "mqtt", url: "mqtt://127.0.0.1:1883", topic_prefix: prefix, qos: 1 } },
  };
  const base = `${prefix}acme/remote_plant_1/utilities/compressed_air`;
  const topics = ["compressor2/temperature", "compressor2/run_status", "lights/signal_light"]
    .map((t) => `${base}/${t}`);
  const sub = subscribe(`${prefix}#`, 10_000, { timeoutS: 30 });
  await sub.ready;
  const gw = await GatewayProcess.start(config, api, { OPCUA_PW: "pw" });
  try {
    const byTopic = await eventually("a message on each topic", () => {
      const seen = new Map(sub.received.map((m) => [m.topic, JSON.parse(m.payload)]));
      return topics.every((t) => seen.has(t)) ? seen : undefined;
    }, 30_000);
    sub.close();
    const temperature = byTopic.get(topics[0]);
    assert.equal(temperature?.quality, "good", JSON.stringify([...byTopic]));
    assert.equal(typeof temperature.value, "number");
    assert.equal(temperature.unit, "degC");
    assert.equal(typeof byTopic.get(topics[1])?.value, "boolean");
    assert.equal(byTopic.get(topics[2])?.value, false);
    // One application certificate for both devices, named after the gateway ("tagflow").
    const san = await new Deno.Command("openssl", {
      args: [
        "x509",
        "-in",
        `${dir}/gw/own/certs/client_certificate.pem`,
        "-noout",
        "-ext",
        "subjectAltName",
      ],
      stdout: "piped",
    }).output();
    assert.match(new TextDecoder().decode(san.stdout), /URI:urn:[^:\s]+:tagflow\b/);
  } finally {
    gw.child.kill("SIGTERM");
    const code = await exited(gw, 30_000);
    if (code === undefined) gw.child.kill("SIGKILL");
    const { stderr } = await gw.stop();
    await Deno.remove(dir, { recursive: true });
    assert.equal(
      code,
      0,
      `exit after SIGTERM: ${code ?? "still running after 30 s"}\n${stderr.slice(-2000)}`,
    );
  }
});
