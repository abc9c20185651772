// Seed 000's signal light from config alone: a dashboard's MQTT command (mosquitto_pub, with and
// without an MQTT 5 response topic) and a REST write switch the OPC UA simulator's light; the
// answers, and the new state published as a value, are seen by mosquitto_sub; a bare node-opcua
// client reads the light back; the audit has a line for each.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { bareRead } from "../helpers/opcua_bare_read.ts";
import { OpcuaSimProcess } from "../helpers/opcua_sim_process.ts";

const CONFIG = new URL("../fixtures/seeds/seed000_commands.jsonc", import.meta.url).pathname;
const TOKEN = "dash-" + crypto.randomUUID();

/** Publishes one message with Debian's mosquitto_pub (MQTT 5, optional properties). */
async function mosquittoPub(topic: string, message: string, props: string[][] = []) {
  const out = await new Deno.Command("mosquitto_pub", {
    args: [
      "-V",
      "mqttv5",
      "-h",
      "127.0.0.1",
      "-q",
      "1",
      "-t",
      topic,
      "-m",
      message,
      ...props.flatMap(([name, value]) => ["-D", "publish", name, value]),
    ],
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

/** mosquitto_sub (MQTT 5) printing topic, correlation data and payload of each message. */
function subscribeV5(filter: string) {
  const child = new Deno.Command("mosquitto_sub", {
    args: ["-V", "mqttv5", "-h", "127.0.0.1", "-q", "1", "-t", filter, "-F", "%t|%D|%p"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines: string[] = [];
  (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    }
  })().catch(() => {});
  return { lines, close: () => child.kill("SIGTERM"), status: child.status };
}

/** Publishes probes under `filter`'s root until the subscriber sees one (it is subscribed). */
async function untilSubscribed(root: string, lines: string[]): Promise<void> {
  await eventually(`mosquitto_sub subscribed to ${root}#`, async () => {
    await mosquittoPub(`${root}__probe`, "probe");
    return lines.some((l) => l.startsWith(`${root}__probe|`)) || undefined;
  });
}

Deno.test("seed 000's signal light: MQTT commands with and without a response topic, and REST, from config alone", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "seed000-light-" });
  const sim = new OpcuaSimProcess({ port: freePort(), pkiDir: `${dir}/sim` });
  await sim.start();
  const prefix = `t${crypto.randomUUID().slice(0, 8)}/`;
  const base = `${prefix}remote_plant_1/compressor2/signal_light`;
  const seen = subscribe(`${prefix}remote_plant_1/#`, 1000, { timeoutS: 120 });
  const replies = subscribeV5(`${prefix}replies/#`);
  await seen.ready;
  await untilSubscribed(`${prefix}replies/`, replies.lines);
  const apiPort = freePort();
  const gw = new GatewayProcess(CONFIG, apiPort, {
    TAGFLOW_API_PORT: String(apiPort),
    TAGFLOW_API_TOKEN: TOKEN,
    TAGFLOW_DATA: dir,
    SEED000_OPCUA: sim.endpoint,
    SEED000_PREFIX: prefix,
  });
  const light = () => bareRead(sim.endpoint, `${dir}/bare`, "ns=1;s=Compressor2.SignalLight");
  /** The light's value messages after the `from`-th message, as booleans. */
  const valuesAfter = (from: number) =>
    seen.received.slice(from).filter((m) => m.topic === base).map((m) =>
      JSON.parse(m.payload).value
    );
  const resultsAfter = (from: number) =>
    seen.received.slice(from).filter((m) => m.topic === `${base}/set/result`).map((m) =>
      JSON.parse(m.payload)
    );
  try {
    await gw.healthy();
    await eventually(
      "the light's value published (the sink took its tags)",
      () => valuesAfter(0).length > 0 || undefined,
    );

    await t.step(
      "a command without a response topic: answer on …/set/result, new state published",
      async () => {
        const from = seen.received.length;
        await mosquittoPub(`${base}/set`, '{"value": true}');
        const [answer] = await eventually(
          "the answer",
          () => resultsAfter(from)[0] && resultsAfter(from),
        );
        assert.deepEqual(answer, { ok: true, written: true, readback: true, status: "Good" });
        await eventually(
          "the light published on",
          () => valuesAfter(from).includes(true) || undefined,
        );
        assert.equal(await light(), true, "a bare client reads the light on");
      },
    );

    await t.step("a bare value with an MQTT 5 response topic and correlation data", async () => {
      const from = seen.received.length;
      await mosquittoPub(`${base}/set`, "false", [
        ["response-topic", `${prefix}replies/panel1`],
        ["correlation-data", "req-7"],
      ]);
      const line = await eventually(
        "the answer on the response topic",
        () => replies.lines.find((l) => !l.includes("__probe|")),
      );
      const [topic, correlation, payload] = line.split("|");
      assert.deepEqual([topic, correlation], [`${prefix}replies/panel1`, "req-7"]);
      assert.deepEqual(JSON.parse(payload), {
        ok: true,
        written: false,
        readback: false,
        status: "Good",
      });
      assert.deepEqual(resultsAfter(from), [], "not also on …/set/result");
      await eventually(
        "the light published off",
        () => valuesAfter(from).includes(false) || undefined,
      );
      assert.equal(await light(), false);
    });

    await t.step(
      "a value the light refuses: answered with the reason, nothing written",
      async () => {
        const from = seen.received.length;
        await mosquittoPub(`${base}/set`, "maybe");
        const [answer] = await eventually(
          "the refusal",
          () => resultsAfter(from)[0] && resultsAfter(from),
        );
        assert.equal(answer.ok, false);
        assert.equal(answer.status, "bad_value");
        assert.match(
          answer.reason,
          /compressor2\.signal_light: expected true or false, got "maybe"/,
        );
        assert.equal(await light(), false, "still off");
      },
    );

    await t.step("the same light over REST with the token; without it 401", async () => {
      const post = (token?: string) =>
        fetch(`${gw.url}/api/devices/compressor2/tags/signal_light/write`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ value: true }),
        });
      const refused = await post();
      assert.equal(refused.status, 401);
      await refused.body?.cancel();
      assert.equal(await light(), false, "nothing written without the token");
      const res = await post(TOKEN);
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual([body.written, body.readback], [true, true]);
      assert.equal(await light(), true);
    });

    await t.step("the audit: each command with its channel and outcome", async () => {
      const audit = (await gw.get("/api/audit")).body as Record<string, unknown>[];
      const brief = audit.map((e) => [e.channel, e.value, e.outcome]);
      assert.deepEqual(brief, [
        ["mqtt", true, "done"],
        ["mqtt", false, "done"],
        ["mqtt", "maybe", "refused"],
        ["rest", undefined, "refused"],
        ["rest", true, "done"],
      ]);
      assert.equal(audit[0].caller, "mqtt:plant");
      assert.equal(audit[4].caller, "dashboard");
    });
  } finally {
    const { code, stderr } = await gw.stop();
    seen.close();
    replies.close();
    await replies.status;
    await seen.messages;
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
    assert.equal(code, 0, stderr);
  }
});
