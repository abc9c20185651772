// Alarms as an operator meets them: an alarm transform on an MQTT-fed humidity; GET /api/alarms
// lists it once active, not acknowledged; the device's tag list shows its tags; a REST write of
// true to its tag (behind the token) acknowledges it, audited, and a second is refused; a new
// activation is acknowledged through the MQTT sink's command topic; a cleared alarm leaves the list.
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";

interface AlarmView {
  device: string;
  alarm: string;
  level: string;
  severity: number;
  acknowledged: boolean;
  reason?: string;
}

Deno.test("alarms: listed, acknowledged through REST and MQTT (audited), cleared", async () => {
  const id = `ack_${crypto.randomUUID().slice(0, 8)}`;
  const prefix = `${id}/`;
  const dir = await Deno.makeTempDir({ prefix: "alarm-ack-" });
  const api = freePort();
  const token = "s3cret-ack";
  const gw = await GatewayProcess.start({
    api: { port: api, tokens: { operator: token } },
    commands: { audit_file: `${dir}/audit.jsonl` },
    devices: {
      room: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        // Client ids of their own: the other tests' gateways, running alongside, have actors of
        // the same ids, and the broker drops a connection when another takes its client id.
        client_id: `${id}-room`,
        subscriptions: [{ topic: `${prefix}in` }],
        mapping: { device: "room", values_path: "" },
        buffer: { dir: `${dir}/room`, fsync: "never" },
      },
    },
    transforms: {
      room_alarms: {
        kind: "alarm",
        from: ["room"],
        alarms: {
          humidity_high: { tag: "room/humidity", h: 720, deadband: 5, severity: { h: 700 } },
        },
      },
    },
    sinks: {
      mqtt: {
        kind: "mqtt",
        url: "mqtt://127.0.0.1:1883",
        client_id: `${id}-sink`,
        topic_prefix: `${prefix}out/`,
        commands: {},
      },
    },
  }, api);
  const pub = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { clientId: `${prefix}pub` });
  const humidity = (v: number) =>
    pub.publishAsync(`${prefix}in`, JSON.stringify({ humidity: v }), { qos: 1 });
  const alarms = async () => (await gw.get("/api/alarms")).body as AlarmView[];
  const ack = (value: unknown) =>
    fetch(`${gw.url}/api/devices/room/tags/${encodeURIComponent("alarms/humidity_high")}/write`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ value }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  try {
    await gw.healthy();
    await eventually(
      "the source subscribed",
      async () =>
        ((await gw.get("/api/actors")).body as { id: string; state: string }[])
            .find((a) => a.id === "room")?.state === "running" || undefined,
    );
    await humidity(700);
    await humidity(731);
    const [active] = await eventually(
      "the alarm listed",
      async () => (await alarms()).length ? alarms() : undefined,
    );
    assert.deepEqual(
      [active.device, active.alarm, active.level, active.severity, active.acknowledged],
      ["room", "humidity_high", "h", 700, false],
    );
    assert.match(active.reason ?? "", /^731 above high 720/);
    const tags = (await gw.get("/api/devices/room/tags")).body as {
      name: string;
      writable: boolean;
    }[];
    assert.deepEqual(
      tags.map((t) => [t.name, t.writable]).filter(([n]) => (n as string).startsWith("alarms/")),
      [["alarms/humidity_high", true], ["alarms/humidity_high/severity", false], [
        "alarms/humidity_high/acknowledged",
        false,
      ]],
    );

    const done = await ack(true);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    await eventually(
      "acknowledged in the list",
      async () => (await alarms())[0]?.acknowledged || undefined,
    );
    const again = await ack(true);
    assert.notEqual(again.status, 200);
    assert.match(JSON.stringify(again.body), /acknowledged already/);

    // Cleared below 715, active again above 720: a new activation, acknowledged over MQTT.
    await humidity(714);
    await eventually(
      "cleared: off the list",
      async () => (await alarms()).length === 0 || undefined,
    );
    await humidity(725);
    await eventually(
      "active again, not acknowledged",
      async () => (await alarms())[0]?.acknowledged === false || undefined,
    );
    const results = subscribe(
      `${prefix}out/room/alarms/humidity_high/set/result`.replace(/result$/, "#"),
      2,
      { timeoutS: 30 },
    );
    await results.ready;
    await pub.publishAsync(`${prefix}out/room/alarms/humidity_high/set`, "true", { qos: 1 });
    await eventually(
      "acknowledged over MQTT",
      async () => (await alarms())[0]?.acknowledged || undefined,
    );
    results.close();

    const audit = ((await gw.get("/api/audit?limit=20")).body as {
      tag: string;
      channel: string;
      outcome: string;
    }[])
      .filter((a) => a.tag === "alarms/humidity_high");
    assert.deepEqual(audit.map((a) => [a.channel, a.outcome]).sort(), [["mqtt", "done"], [
      "rest",
      "done",
    ], ["rest", "refused"]]);
  } finally {
    await pub.endAsync();
    await gw.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
