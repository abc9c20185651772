// Derived tags from config alone: seed 000's compressor publishes its raw temperature register and
// an expression transform makes `(raw/100)*16` of it (instead of a tag scale), plus a truth value
// from two tags; both reach the broker under the compressor's UNS path, stamped with the raw
// value's time. A mistake in an expression stops the start with exit 2, naming its path.
import assert from "node:assert/strict";
import { GatewayProcess, RUN_FLAGS } from "../helpers/gateway_process.ts";
import { subscribe } from "../helpers/mosquitto.ts";
import { eventually, freePort } from "../helpers/net.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

function config(sim: number, api: number, prefix: string, expr = "(raw/100)*16") {
  return {
    api: { port: api },
    uns: { enterprise: "acme", site: "remote_plant_1" },
    simulators: { sim: { kind: "modbus", port: sim, profile: "compressor", tick_ms: 200 } },
    devices: {
      compressor1: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        interval_ms: 200,
        tags: [
          { name: "temperature_raw", address: "1!40001", type: "int16" },
          { name: "motor_current", address: "1!40002", type: "uint16", scale: 0.1, unit: "A" },
          { name: "run_status", address: "1!00001", type: "bool" },
        ],
      },
    },
    transforms: {
      c1: {
        kind: "expression",
        from: ["compressor1"],
        inputs: {
          raw: "compressor1/temperature_raw",
          current: "compressor1/motor_current",
          running: { tag: "compressor1/run_status", type: "bool" },
        },
        outputs: {
          temperature: { expr, unit: "degC" },
          loaded: { expr: "running && current > 30" },
        },
      },
    },
    sinks: { mqtt: { kind: "mqtt", url: "mqtt://127.0.0.1:1883", topic_prefix: prefix, qos: 1 } },
  };
}

Deno.test("expression transform: (raw/100)*16 and a truth value from config alone, on the UNS", async () => {
  const prefix = `expr_${crypto.randomUUID().slice(0, 8)}/`;
  const [sim, api] = [freePort(), freePort()];
  const sub = subscribe(`${prefix}#`, 1_000_000, { timeoutS: 60 });
  const gw = await GatewayProcess.start(config(sim, api, prefix), api);
  const base = `${prefix}acme/remote_plant_1/compressor1/`;
  const of = (tag: string) =>
    sub.received.filter((m) => m.topic === base + tag).map((m) =>
      JSON.parse(m.payload) as {
        value: number | boolean;
        ts: number;
        quality: string;
        unit?: string;
      }
    );
  try {
    await gw.healthy();
    await sub.ready;
    const pairs = await eventually("ten derived temperatures with their raw values", () => {
      const raw = new Map(of("temperature_raw").map((r) => [r.ts, r.value as number]));
      const derived = of("temperature").filter((d) => raw.has(d.ts));
      return derived.length >= 10 ? derived.map((d) => [raw.get(d.ts)!, d] as const) : undefined;
    });
    for (const [raw, d] of pairs) {
      assert.equal(d.quality, "good");
      assert.equal(d.unit, "degC");
      assert.ok(Math.abs((d.value as number) - raw / 100 * 16) < 1e-9, `${raw} → ${d.value}`);
    }
    const loaded = await eventually("the truth value", () => of("loaded")[0]);
    assert.equal(typeof loaded.value, "boolean");
    const actors = (await gw.get("/api/actors")).body as {
      id: string;
      role: string;
      state: string;
    }[];
    assert.deepEqual(
      actors.filter((a) => a.id === "c1").map((a) => [a.role, a.state]),
      [["transform", "running"]],
    );
  } finally {
    sub.close();
    const { code } = await gw.stop();
    assert.equal(code, 0, "a clean stop: transforms drained between devices and sinks");
  }
});

Deno.test("expression transform: a mistake in an expression is exit 2 with its path", async () => {
  const file = await Deno.makeTempFile({ suffix: ".jsonc" });
  const bad = config(freePort(), freePort(), "x/", "(rwa/100)*16");
  bad.transforms.c1.inputs.current = "compressor1/motor_amps"; // no such tag
  await Deno.writeTextFile(file, JSON.stringify(bad));
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...RUN_FLAGS, MAIN, "--config", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2);
    assert.match(
      stderr,
      /transforms\.c1\.outputs\.temperature\.expr: in "\(rwa\/100\)\*16": unknown name "rwa" \(inputs: raw, current, running\)/,
    );
    assert.match(
      stderr,
      /transforms\.c1\.inputs\.current: device "compressor1" has no tag "motor_amps"/,
    );
  } finally {
    await Deno.remove(file);
  }
});
