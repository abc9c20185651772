// Secrets never reach the logs, the audit log or the API: a gateway with known secrets in its
// environment (an API token, database, broker and InfluxDB passwords), at debug level, with every
// sink failing to connect (the errors name the URLs) and requests with right and wrong tokens.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

Deno.test("known secrets appear nowhere in the output, the audit log or the API's answers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "secrets-" });
  const secrets = {
    TF_TOKEN: `tok-${crypto.randomUUID()}`,
    TF_PG_PASSWORD: `pg-${crypto.randomUUID()}`,
    TF_MQTT_PASSWORD: `mq-${crypto.randomUUID()}`,
    TF_INFLUX_PASSWORD: `in-${crypto.randomUUID()}`,
  };
  const [api, sim, closed] = [freePort(), freePort(), freePort()];
  const gw = await GatewayProcess.start(
    {
      gateway: { log_level: "debug" },
      api: { port: api, tokens: { ops: "${TF_TOKEN}" } },
      commands: { audit_file: `${dir}/audit.jsonl` },
      simulators: { plc: { kind: "modbus", port: sim, profile: "compressor", tick_ms: 200 } },
      devices: {
        press: {
          kind: "modbus",
          host: "127.0.0.1",
          port: sim,
          interval_ms: 200,
          tags: [{ name: "t", address: "40001" }, { name: "sp", address: "40010", writable: true }],
        },
      },
      sinks: {
        db: {
          kind: "timescaledb",
          url: `postgres://tagflow:\${TF_PG_PASSWORD}@127.0.0.1:${closed}/plant`,
          buffer: { dir: `${dir}/db` },
        },
        broker: {
          kind: "mqtt",
          // Credentials in the URL: the URL appears in the reasons, the password must not.
          url: `mqtt://tagflow:\${TF_MQTT_PASSWORD}@127.0.0.1:${closed}`,
        },
        tsdb: {
          kind: "influxdb",
          api: "v1",
          url: `http://tagflow:\${TF_INFLUX_PASSWORD}@127.0.0.1:${closed}`,
          username: "tagflow",
          password: "${TF_INFLUX_PASSWORD}",
          buffer: { dir: `${dir}/tsdb` },
        },
      },
    },
    api,
    secrets,
  );
  const answers: string[] = [];
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`http://127.0.0.1:${api}${path}`, init);
    answers.push(await res.text());
    return res.status;
  };
  try {
    await eventually("every sink failed at least once", async () => {
      const actors = (await gw.get("/api/actors")).body as { role: string; state: string }[];
      return actors.filter((a) => a.role === "sink").every((a) => a.state === "degraded") ||
        undefined;
    });
    const write = (token: string) => ({
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ value: 42 }),
    });
    assert.equal(await call("/api/devices/press/tags/sp/write", write(secrets.TF_TOKEN)), 200);
    assert.equal(await call("/api/devices/press/tags/t/write", write(secrets.TF_TOKEN)), 403);
    assert.equal(await call("/api/devices/press/tags/sp/write", write("wrong")), 401);
    for (const path of ["/api/actors", "/metrics", "/health", "/ready", "/api/audit"]) {
      await call(path, { headers: { authorization: `Bearer ${secrets.TF_TOKEN}` } });
    }
  } finally {
    const { stdout, stderr } = await gw.stop();
    const audit = await Deno.readTextFile(`${dir}/audit.jsonl`).catch(() => "");
    await Deno.remove(dir, { recursive: true });
    const places = { stdout, stderr, audit, api: answers.join("\n") };
    assert.ok(stderr.includes("Cannot connect"), "the sinks' failures were logged");
    assert.ok(audit.includes('"sp"') || audit.includes("press/sp"), "the write was audited");
    for (const [name, secret] of Object.entries(secrets)) {
      for (const [where, text] of Object.entries(places)) {
        assert.ok(!text.includes(secret), `${name} appears in ${where}`);
      }
    }
  }
});
