// From config alone, seed 001's device through two transforms to MQTT and PostgreSQL: the 10 s
// mean of its temperature (each window's mean equal to the mean of the raw samples the broker
// carried for it) and a humidity alarm with hysteresis (active only above 720, cleared only below
// 715), both stored in PostgreSQL as they were published.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";

interface Msg {
  value: number | string;
  ts: number;
  quality: string;
  reason?: string;
}

Deno.test("seed 001: a 10 s mean and a humidity alarm with hysteresis, to MQTT and PostgreSQL", async () => {
  const prefix = `win_${crypto.randomUUID().slice(0, 8)}/`;
  const table = `w_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const dir = await Deno.makeTempDir({ prefix: "seed001-transforms-" });
  const [sim, api] = [freePort(), freePort()];
  const sub = subscribe(`${prefix}#`, 1_000_000, { timeoutS: 120 });
  const gw = await GatewayProcess.start({
    api: { port: api },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 250 } },
    devices: {
      demo: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 250,
        tags: [
          { name: "temperature", address: "1!40001", type: "int16", unit: "K" },
          { name: "humidity", address: "1!40002", type: "int16" },
        ],
      },
    },
    transforms: {
      demo_10s: {
        kind: "window",
        from: ["demo"],
        tags: ["demo/temperature"],
        size_ms: 10_000,
        grace_ms: 1000,
        aggregates: ["mean", "count"],
      },
      demo_alarms: {
        kind: "alarm",
        from: ["demo"],
        alarms: { humidity_high: { tag: "demo/humidity", h: 720, deadband: 5 } },
      },
    },
    sinks: {
      mqtt: { kind: "mqtt", url: "mqtt://127.0.0.1:1883", topic_prefix: prefix, qos: 1 },
      db: {
        kind: "timescaledb",
        url: "postgres://postgres@127.0.0.1:5432/test",
        table,
        buffer: { dir: `${dir}/db`, fsync: "never" },
        batch: { max_linger_ms: 50 },
      },
    },
  }, api);
  const of = (tag: string) =>
    sub.received.filter((m) => m.topic === `${prefix}demo/${tag}`).map((m) =>
      JSON.parse(m.payload) as Msg
    );
  try {
    await gw.healthy();
    await sub.ready;
    const readyAt = Date.now();
    // Two whole windows that began after the subscriber was there: every raw sample seen.
    const windows = await eventually("two whole 10 s windows", () => {
      const w = of("temperature/mean_10s").filter((m) => m.ts >= readyAt);
      return w.length >= 2 ? w.slice(0, 2) : undefined;
    }, 90_000);
    const raw = of("temperature");
    for (const w of windows) {
      const inside = raw.filter((r) =>
        r.ts >= w.ts && r.ts < w.ts + 10_000 && r.quality === "good"
      );
      const mean = inside.reduce((a, r) => a + (r.value as number), 0) / inside.length;
      assert.equal(w.ts % 10_000, 0, "aligned to the clock");
      assert.ok(inside.length >= 20, `${inside.length} samples in the window`);
      assert.ok(
        Math.abs((w.value as number) - mean) < 1e-9,
        `window ${w.ts}: ${w.value} vs ${mean}`,
      );
      const count = of("temperature/count_10s").find((c) => c.ts === w.ts);
      assert.equal(count?.value, inside.length, "the count of samples in it");
    }

    // The alarm: activated only by a value above 720, cleared only by one below 715.
    const states = await eventually("the alarm went active and cleared", () => {
      const s = of("alarms/humidity_high");
      return s.some((m) => m.value === "h") && s.some((m, i) => i > 0 && m.value === "cleared")
        ? s
        : undefined;
    }, 60_000);
    const humidity = new Map(of("humidity").map((h) => [h.ts, h.value as number]));
    let last: string | undefined;
    for (const s of states) {
      const v = humidity.get(s.ts);
      if (v !== undefined && last !== undefined && s.value !== last) {
        if (s.value === "h") assert.ok(v > 720, `activated at ${v}`);
        if (s.value === "cleared") assert.ok(v < 715, `cleared at ${v}`);
      }
      last = s.value as string;
    }
    // Between the limits (715–720) the alarm never changed: every change was at a value outside.
    const changes = states.slice(1).filter((s, i) => s.value !== states[i].value);
    assert.ok(changes.every((s) => {
      const v = humidity.get(s.ts);
      return v === undefined || v > 720 || v < 715;
    }));

    // PostgreSQL has what the broker had.
    const w0 = windows[0];
    await eventually("the mean and the alarm states in PostgreSQL", async () => {
      const mean = await psql(
        `SELECT value FROM ${table} WHERE path = 'demo/temperature/mean_10s' AND time = to_timestamp(${w0.ts} / 1000.0)`,
      );
      const alarms = Number(
        await psql(
          `SELECT count(*) FROM ${table} WHERE path = 'demo/alarms/humidity_high' AND text_value IN ('h', 'cleared')`,
        ),
      );
      return Math.abs(Number(mean) - (w0.value as number)) < 1e-6 && alarms >= 2 || undefined;
    });
  } finally {
    sub.close();
    await gw.stop();
    await psql(`DROP TABLE IF EXISTS ${table}`);
    await Deno.remove(dir, { recursive: true });
  }
});
