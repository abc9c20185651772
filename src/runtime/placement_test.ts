import assert from "node:assert/strict";
import { eventually } from "../../tests/helpers/net.ts";
import type { ActorSpec } from "./messages.ts";
import { Router } from "./router.ts";
import { joinSources, place } from "./placement.ts";
import { Supervisor } from "./supervisor.ts";

const workerUrl = new URL("../../tests/fixtures/test_worker.ts", import.meta.url);

function supervise(devices: ActorSpec[]) {
  const router = new Router(
    new Map(devices.map((d) => [d.id, ["sink"]])),
    new Map([["sink", { maxSamples: 10_000, whenFull: "drop_oldest" as const }]]),
    4,
  );
  const specs = [
    ...devices,
    { id: "sink", kind: "collect", role: "sink", config: {} } as ActorSpec,
  ];
  return new Supervisor(specs, router, {
    workerUrl,
    restart: { initialMs: 50, maxMs: 200 },
    stableMs: 60_000,
    logLevel: "error",
  });
}

const byId = (s: Supervisor, id: string) => s.status().find((a) => a.id === id)!;

Deno.test("actors sharing a worker: one that throws is restarted alone", async () => {
  const sup = supervise([
    {
      id: "bad",
      kind: "counter",
      role: "device",
      config: { interval_ms: 5, fail_after: 2 },
      placement: "pool",
    },
    { id: "good", kind: "counter", role: "device", config: { interval_ms: 5 }, placement: "pool" },
  ]);
  await sup.start();
  try {
    await eventually(
      "bad restarted twice",
      () => byId(sup, "bad").restarts >= 2 || undefined,
      60_000,
      10,
    );
    const good = byId(sup, "good");
    assert.equal(good.restarts, 0, "its neighbour in the worker was not restarted");
    const before = good.counters.samples_out;
    await eventually("good runs and keeps sending", () => {
      const now = byId(sup, "good");
      return (now.state === "running" && now.counters.samples_out > before) || undefined;
    });
    assert.equal(byId(sup, "good").restarts, 0);
  } finally {
    await sup.stop(3000);
  }
});

Deno.test("a worker that crashes is restarted with every actor it hosted", async () => {
  const sup = supervise([
    {
      id: "crasher",
      kind: "counter",
      role: "device",
      config: { interval_ms: 5, crash_worker_after: 3 },
      placement: "pool",
    },
    {
      id: "neighbour",
      kind: "counter",
      role: "device",
      config: { interval_ms: 5 },
      placement: "pool",
    },
  ]);
  await sup.start();
  try {
    const n = await eventually(
      "both restarted",
      () => {
        const [c, nb] = [byId(sup, "crasher"), byId(sup, "neighbour")];
        return c.restarts >= 1 && nb.restarts >= 1 ? nb : undefined;
      },
      60_000,
      10,
    );
    assert.ok(n.counters.errors >= 1);
    await eventually(
      "neighbour runs again",
      () => byId(sup, "neighbour").state === "running" || undefined,
    );
  } finally {
    await sup.stop(3000);
  }
});

Deno.test("commands reach the actor and come back; unknown actors and ops are refused", async () => {
  const sup = supervise([{
    id: "c",
    kind: "counter",
    role: "device",
    config: { interval_ms: 10 },
  }]);
  await sup.start();
  try {
    await eventually("c runs", () => byId(sup, "c").state === "running" || undefined);
    const ok = await sup.command("c", { op: "echo", value: 42 });
    assert.equal(ok.ok, true);
    assert.equal((ok as { value: { echoed: number } }).value.echoed, 42);
    const refused = await sup.command("c", { op: "explode" });
    assert.equal(refused.ok, false);
    assert.match((refused as { error: { message: string } }).error.message, /counter only echoes/);
    const nobody = await sup.command("ghost", { op: "echo" });
    assert.deepEqual(nobody.ok, false);
    assert.match((nobody as { error: { message: string } }).error.message, /no actor "ghost"/);
    const sinkRefuses = await sup.command("sink", { op: "echo" });
    assert.match(
      (sinkRefuses as { error: { message: string } }).error.message,
      /takes no commands/,
    );
  } finally {
    await sup.stop(3000);
  }
});

Deno.test("place(): per role and kind, round robin; simulators and unlisted kinds alone", () => {
  const spec = (id: string, kind: string, role: ActorSpec["role"]): ActorSpec => ({
    id,
    kind,
    role,
    config: {},
  });
  const specs = [
    spec("d1", "modbus", "device"),
    spec("d2", "modbus", "device"),
    spec("d3", "modbus", "device"),
    spec("src", "mqtt", "device"),
    spec("out", "mqtt", "sink"),
    spec("sim", "modbus", "simulator"),
    spec("db", "timescaledb", "sink"),
  ];
  place(specs, { modbus: 2, mqtt: 1 });
  assert.deepEqual(Object.fromEntries(specs.map((s) => [s.id, s.placement])), {
    d1: "device/modbus#0",
    d2: "device/modbus#1",
    d3: "device/modbus#0",
    src: "device/mqtt#0",
    out: "sink/mqtt#0",
    sim: undefined,
    db: undefined,
  });
});

Deno.test("joinSources(): a sink joins the one worker all its sources run in, and no other", () => {
  const spec = (id: string, role: ActorSpec["role"], placement?: string): ActorSpec => ({
    id,
    kind: role === "sink" ? "out" : "in",
    role,
    config: {},
    placement,
  });
  const specs = [
    spec("a", "device", "device/modbus#0"),
    spec("b", "device", "device/modbus#0"),
    spec("c", "device", "device/modbus#1"),
    spec("alone", "device"),
    spec("one_pool", "sink"),
    spec("two_pools", "sink"),
    spec("own", "sink"),
    spec("placed", "sink", "sink/out#0"),
    spec("refused", "sink"),
    spec("fed_by_none", "sink"),
  ];
  const routes = new Map([
    ["a", ["one_pool", "two_pools", "placed", "refused"]],
    ["b", ["one_pool"]],
    ["c", ["two_pools"]],
    ["alone", ["own"]],
  ]);
  joinSources(specs, routes, (s) => s.id !== "refused");
  assert.deepEqual(Object.fromEntries(specs.map((s) => [s.id, s.placement])), {
    a: "device/modbus#0",
    b: "device/modbus#0",
    c: "device/modbus#1",
    alone: undefined,
    one_pool: "device/modbus#0",
    two_pools: undefined,
    own: "actor:alone",
    placed: "sink/out#0",
    refused: undefined,
    fed_by_none: undefined,
  });
});
