import assert from "node:assert/strict";
import { createApi } from "../api/app.ts";
import { eventually } from "../../tests/helpers/net.ts";
import type { ActorSpec } from "./messages.ts";
import { Router } from "./router.ts";
import { type ActorStatus, Supervisor } from "./supervisor.ts";

const workerUrl = new URL("../../tests/fixtures/test_worker.ts", import.meta.url);

function setup(specs: ActorSpec[], sinkDelayMs = 0, coalesceMs = 0) {
  const devices = specs.filter((s) => s.role === "device").map((s) => s.id);
  const router = new Router(
    new Map(devices.map((d) => [d, ["sink"]])),
    new Map([["sink", { maxSamples: 10_000, whenFull: "block" as const }]]),
    4,
  );
  specs.push({ id: "sink", kind: "collect", role: "sink", config: { delay_ms: sinkDelayMs } });
  const supervisor = new Supervisor(specs, router, {
    workerUrl,
    coalesceMs,
    restart: { initialMs: 60, maxMs: 480 },
    stableMs: 60_000,
    logLevel: "error",
  });
  return { supervisor, router, api: createApi(supervisor) };
}

async function actors(api: ReturnType<typeof createApi>): Promise<Map<string, ActorStatus>> {
  const list: ActorStatus[] = await (await api.request("/api/actors")).json();
  return new Map(list.map((a) => [a.id, a]));
}

Deno.test("an actor that throws is restarted with growing backoff while the others keep running", async () => {
  const { supervisor, api } = setup([
    { id: "crashy", kind: "counter", role: "device", config: { interval_ms: 5, fail_after: 2 } },
    { id: "steady", kind: "counter", role: "device", config: { interval_ms: 5 } },
  ]);
  await supervisor.start();
  const backoffs = new Map<number, number>();
  try {
    const seen = await eventually(
      "crashy restarted 4 times",
      async () => {
        const now = await actors(api);
        const c = now.get("crashy")!;
        if (c.backoff_ms !== undefined && c.state === "failed") {
          backoffs.set(c.restarts + 1, c.backoff_ms);
        }
        return c.restarts >= 4 ? now : undefined;
      },
      60_000,
      5,
    );
    const crashy = seen.get("crashy")!;
    assert.ok(crashy.counters.errors >= 4, `errors ${crashy.counters.errors}`);
    const steady = seen.get("steady")!;
    assert.equal(steady.restarts, 0);
    // On a busy machine steady may still be starting while crashy cycles; it must get to
    // running and keep producing without ever restarting.
    const before = steady.counters.samples_out;
    const later = await eventually("steady running and producing", async () => {
      const s = (await actors(api)).get("steady")!;
      return s.state === "running" && s.counters.samples_out > before ? s : undefined;
    });
    assert.equal(later.restarts, 0);
    // Backoff grows (60 → 120 → 240 → 480 ms, less up to 30 % jitter) and stays under the cap.
    const delays = [...backoffs.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d);
    assert.ok(delays.length >= 3, `saw backoffs ${JSON.stringify([...backoffs])}`);
    for (const d of delays) assert.ok(d <= 480, `backoff ${d} over the cap`);
    assert.ok(delays[2] > delays[0], `backoff did not grow: ${delays}`);
    const failed = await eventually(
      "a failure reason",
      async () => {
        const c = (await actors(api)).get("crashy")!;
        return c.state === "failed" ? c : undefined;
      },
      60_000,
      5,
    );
    assert.match(failed.reason ?? "", /fails on purpose/);
  } finally {
    await supervisor.stop(3000);
  }
});

for (const coalesceMs of [0, 20]) {
  Deno.test(`stop drains what devices sent through a slow sink before returning (coalesce_ms ${coalesceMs})`, async () => {
    const { supervisor, api } = setup(
      [
        {
          id: "burst",
          kind: "counter",
          role: "device",
          config: { interval_ms: 0, batch: 10, total: 400 },
        },
      ],
      5,
      coalesceMs,
    );
    await supervisor.start();
    // Stop once the device sent everything (a device told to stop sends no more), while the slow
    // sink still has some of it to write.
    await eventually(
      "the device sent all 400, the sink took some",
      async () => {
        const all = await actors(api);
        const s = all.get("sink")!;
        return s.state === "running" && s.counters.samples_in > 0 &&
            all.get("burst")!.counters.samples_out === 400
          ? s
          : undefined;
      },
      60_000,
      10,
    );
    const clean = await supervisor.stop(10_000);
    assert.equal(clean, true);
    const after = await actors(api);
    assert.equal(after.get("burst")!.counters.samples_out, 400);
    assert.equal(after.get("sink")!.counters.samples_out, 400, "the sink wrote every sample");
    assert.equal(after.get("sink")!.state, "stopped");
  });
}

Deno.test("a slow sink with a block queue holds the device back: queue depth stays bounded", async () => {
  const { supervisor, router, api } = setup([
    { id: "fast", kind: "counter", role: "device", config: { interval_ms: 0, batch: 100 } },
  ], 20);
  await supervisor.start();
  try {
    let maxQueued = 0;
    await eventually(
      "the device is held back",
      async () => {
        maxQueued = Math.max(maxQueued, router.sinkQueue("sink").samples);
        const s = (await actors(api)).get("fast")!;
        return s.counters.samples_out >= 20_000 ? s : undefined;
      },
      60_000,
      10,
    );
    assert.ok(maxQueued <= 10_000, `queued ${maxQueued} samples, over max 10000`);
    const batches = router.outputDepth("actor:fast");
    assert.ok(
      batches <= 100,
      `${batches} batches of 100 wait in the device's worker, over 10000 samples`,
    );
  } finally {
    await supervisor.stop(5000);
  }
});
