import assert from "node:assert/strict";
import { parseConfig } from "./gateway_config.ts";
import { defaultPlacement, planFromConfig } from "./plan.ts";
import { workerOf } from "./runtime/placement.ts";

const device = (port: number) => ({
  kind: "modbus",
  host: "127.0.0.1",
  port,
  tags: [{ name: "t", address: "1!40001" }],
});

Deno.test("plan: routes default to all → all; explicit routes are honoured", () => {
  const base = {
    devices: { a: device(1), b: device(2) },
    sinks: { m: { kind: "mqtt", url: "mqtt://x" }, n: { kind: "mqtt", url: "mqtt://y" } },
  };
  const all = planFromConfig(parseConfig(JSON.stringify(base)));
  assert.deepEqual([...all.routes], [["a", ["m", "n"]], ["b", ["m", "n"]]]);
  const some = planFromConfig(
    parseConfig(JSON.stringify({ ...base, routes: [{ from: ["a"], to: ["n"] }] })),
  );
  assert.deepEqual([...some.routes], [["a", ["n"]], ["b", []]]);
  assert.deepEqual(some.queues.get("m"), { maxSamples: 100_000, whenFull: "drop_oldest" });
});

Deno.test("plan: placement packs a kind into N workers round robin; others get their own", () => {
  const devices = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`d${i}`, device(i)]));
  const cfg = parseConfig(
    JSON.stringify({
      gateway: { placement: { modbus: 2 } },
      devices,
      sinks: { m: { kind: "mqtt", url: "mqtt://x" } },
    }),
  );
  const plan = planFromConfig(cfg);
  const placement = Object.fromEntries(plan.actors.map((a) => [a.id, a.placement]));
  assert.deepEqual(placement, {
    d1: "device/modbus#0",
    d2: "device/modbus#1",
    d3: "device/modbus#0",
    d4: "device/modbus#1",
    d5: "device/modbus#0",
    m: undefined,
  });
});

Deno.test("plan: without a placement, Modbus devices share a worker per 1,000 (a core each at most)", () => {
  const devices = Object.fromEntries(
    Array.from({ length: 2001 }, (_, i) => [`d${i}`, device(1000 + i)]),
  );
  const cfg = parseConfig(
    JSON.stringify({ devices, sinks: { m: { kind: "mqtt", url: "mqtt://x" } } }),
  );
  const plan = planFromConfig(cfg);
  assert.deepEqual(defaultPlacement(plan.actors, 8), { modbus: 3 }, "2,001 devices, 8 cores");
  assert.deepEqual(defaultPlacement(plan.actors, 2), { modbus: 2 }, "2,001 devices, 2 cores");
  const workers = new Map<string, number>();
  for (const a of plan.actors) {
    const key = workerOf(a);
    workers.set(key, (workers.get(key) ?? 0) + 1);
  }
  const pools = Math.min(3, navigator.hardwareConcurrency);
  assert.equal(workers.size, pools + 1, "the modbus pools and the sink's own worker");
  assert.equal(workers.get("actor:m"), 1);
  assert.equal(workers.get("device/modbus#0"), Math.ceil(2001 / pools));
  const one = planFromConfig(
    parseConfig(JSON.stringify({ devices: { a: device(1), b: device(2) } })),
  );
  assert.deepEqual(one.actors.map((a) => a.placement), ["device/modbus#0", "device/modbus#0"]);
});

Deno.test("plan: devices get the gateway's UNS levels merged with their own; every actor its name", () => {
  const cfg = parseConfig(JSON.stringify({
    gateway: { name: "edge7" },
    uns: { enterprise: "acme", site: "s1", area: "a1" },
    devices: { d: { ...device(1), uns: { area: "a2", line: "l1" } } },
    sinks: { m: { kind: "mqtt", url: "mqtt://x" } },
  }));
  const plan = planFromConfig(cfg);
  const d = plan.actors.find((a) => a.id === "d")!;
  assert.deepEqual(d.uns, { enterprise: "acme", site: "s1", area: "a2", line: "l1" });
  assert.equal(d.gateway, "edge7");
  const m = plan.actors.find((a) => a.id === "m")!;
  assert.deepEqual([m.kind, m.role, m.gateway], ["mqtt", "sink", "edge7"]);
});

Deno.test("plan: an MQTT sink runs in its sources' worker when they share one, unless placed", () => {
  const devices = { a: device(1), b: device(2) };
  const sinks = {
    m: { kind: "mqtt", url: "mqtt://x" },
    db: { kind: "timescaledb", url: "postgres://u@h/db" },
  };
  const placementOf = (cfg: object) =>
    Object.fromEntries(
      planFromConfig(parseConfig(JSON.stringify(cfg))).actors.map((a) => [a.id, a.placement]),
    );
  assert.deepEqual(placementOf({ devices, sinks }), {
    a: "device/modbus#0",
    b: "device/modbus#0",
    m: "device/modbus#0",
    db: undefined,
  });
  const split = placementOf({ gateway: { placement: { modbus: 2 } }, devices, sinks });
  assert.equal(split.m, undefined, "fed by two workers, it keeps its own");
  const placed = placementOf({ gateway: { placement: { mqtt: 1 } }, devices, sinks });
  assert.equal(placed.m, "sink/mqtt#0", "the user's placement wins");
});
