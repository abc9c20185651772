import assert from "node:assert/strict";
import { eventually } from "../../tests/helpers/net.ts";
import type { ActorSpec } from "./messages.ts";
import { reconfigure } from "./reconfigure.ts";
import { Router, type SinkQueue } from "./router.ts";
import { type ActorStatus, Supervisor } from "./supervisor.ts";

const workerUrl = new URL("../../tests/fixtures/test_worker.ts", import.meta.url);
const queue: SinkQueue = { maxSamples: 10_000, whenFull: "block" };
const counter = (id: string, interval_ms: number): ActorSpec => ({
  id,
  kind: "counter",
  role: "device",
  config: { interval_ms },
  placement: "device/counter#0", // both devices share a worker
});
const collect = (id: string): ActorSpec => ({ id, kind: "collect", role: "sink", config: {} });

function start(specs: ActorSpec[], routes: Map<string, string[]>) {
  const sinks = specs.filter((s) => s.role === "sink").map((s) => s.id);
  const router = new Router(routes, new Map(sinks.map((s) => [s, queue])), 4);
  const supervisor = new Supervisor(specs, router, {
    workerUrl,
    restart: { initialMs: 60, maxMs: 480 },
    stableMs: 60_000,
    logLevel: "error",
  });
  return { router, supervisor };
}

const byId = (list: ActorStatus[]) => new Map(list.map((a) => [a.id, a]));

Deno.test("a reload restarts the changed device only; a new sink gets a running device's batches", async () => {
  const { router, supervisor } = start(
    [counter("a", 5), counter("b", 5), collect("s1")],
    new Map([["a", ["s1"]], ["b", ["s1"]]]),
  );
  await supervisor.start();
  try {
    const before = await eventually("both devices send", () => {
      const s = byId(supervisor.status());
      return s.get("a")!.counters.samples_out > 5 && s.get("b")!.counters.samples_out > 5 &&
          s.get("s1")!.state === "running"
        ? s
        : undefined;
    });
    const done = await reconfigure(
      supervisor,
      router,
      [counter("a", 7), counter("b", 5), collect("s1"), collect("s2")],
      new Map([["a", ["s1"]], ["b", ["s1", "s2"]]]),
      new Map([["s1", queue], ["s2", queue]]),
    );
    assert.deepEqual(done, {
      added: ["s2"],
      removed: [],
      changed: ["a"],
      retargeted: ["b"],
      late: [],
    });
    const after = await eventually("s2 takes b's samples; a runs again", () => {
      const s = byId(supervisor.status());
      return s.get("s2")!.counters.samples_in > 5 && s.get("a")!.state === "running"
        ? s
        : undefined;
    });
    const [b0, b1] = [before.get("b")!, after.get("b")!];
    assert.equal(b1.since, b0.since, "b kept running");
    assert.equal(b1.restarts, 0);
    assert.ok(b1.counters.samples_out > b0.counters.samples_out);
    assert.equal(b1.worker, b0.worker);
    assert.notEqual(after.get("a")!.since, before.get("a")!.since, "a restarted");
    assert.equal(after.get("a")!.worker, "device/counter#0", "a back in the shared worker");
    assert.equal(after.get("s1")!.since, before.get("s1")!.since, "s1 untouched");
    // s2 takes b's samples only: a is routed to s1 alone.
    const s2 = after.get("s2")!.counters.samples_in;
    assert.ok(s2 <= after.get("b")!.counters.samples_out, `s2 ${s2}`);
  } finally {
    await supervisor.stop(5000);
  }
});

Deno.test("a removed sink is sent what its queue holds and stops; the others go on", async () => {
  const { router, supervisor } = start(
    [counter("a", 5), collect("s1"), collect("s2")],
    new Map([["a", ["s1", "s2"]]]),
  );
  await supervisor.start();
  try {
    await eventually("s2 takes samples", () => {
      const s = byId(supervisor.status());
      return s.get("s2")!.counters.samples_in > 5 ? s : undefined;
    });
    const done = await reconfigure(
      supervisor,
      router,
      [counter("a", 5), collect("s1")],
      new Map([["a", ["s1"]]]),
      new Map([["s1", queue]]),
    );
    assert.deepEqual(done.removed, ["s2"]);
    assert.deepEqual(done.retargeted, ["a"]);
    assert.deepEqual(done.late, []);
    const now = byId(supervisor.status());
    assert.equal(now.has("s2"), false);
    const a0 = now.get("a")!.counters.samples_out;
    await eventually("a goes on into s1", () => {
      const s = byId(supervisor.status());
      return s.get("a")!.counters.samples_out > a0 + 5 && s.get("s1")!.counters.samples_in > a0
        ? s
        : undefined;
    });
    assert.equal(byId(supervisor.status()).get("a")!.restarts, 0);
  } finally {
    await supervisor.stop(5000);
  }
});
