// The simulator's process is killed under a running gateway and started again: every tag turns
// bad once with the reason, writes are refused meanwhile, and values resume on a new session and
// subscription without restarting the actor.
import assert from "node:assert/strict";
import { eventually, freePort } from "../helpers/net.ts";
import { bareRead } from "../helpers/opcua_bare_read.ts";
import { FreezeProxy } from "../helpers/opcua_freeze_proxy.ts";
import type { History } from "../fixtures/opcua_history_actor.ts";
import { startRig } from "../helpers/opcua_rig.ts";
import { OpcuaSimProcess } from "../helpers/opcua_sim_process.ts";

const last = (h: History | undefined) => h?.samples.at(-1);

/** The server's CurrentSessionCount as a bare client reads it (its own session included). */
const sessions = async (port: number, pki: string) =>
  await bareRead(`opc.tcp://127.0.0.1:${port}/tagflow`, pki, "i=2277") as number;

Deno.test("opcua: the server stops and starts again; the gap is bad, values resume, no restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-reconnect-" });
  const sim = new OpcuaSimProcess({ port: freePort(), pkiDir: `${dir}/sim` });
  await sim.start();
  const rig = await startRig({
    endpoint: sim.endpoint,
    pki_dir: `${dir}/gw`,
    timeout_ms: 2000,
    reconnect: { initial_ms: 100, max_ms: 500 },
    subscription: { publishing_interval_ms: 100, sampling_interval_ms: 50 },
    tags: [
      { name: "temperature", node_id: "ns=1;s=Compressor2.Temperature" },
      { name: "signal_light", node_id: "ns=1;s=Compressor2.SignalLight", writable: true },
    ],
  });
  try {
    // The first session (keys, certificates) can take long on a machine busy with other tests.
    await eventually("good values", async () => {
      const d = await rig.dump();
      return last(d["c2/temperature"])?.quality === "good" &&
          last(d["c2/signal_light"])?.quality === "good" || undefined;
    }, 60_000);
    await sim.stop();
    const gap = await eventually("bad values while the server is away", async () => {
      const d = await rig.dump();
      const [a, b] = [last(d["c2/temperature"]), last(d["c2/signal_light"])];
      return a?.quality === "bad" && b?.quality === "bad" ? a : undefined;
    });
    assert.match(gap.reason ?? "", /^connection lost/, `reason: ${gap.reason}`);
    assert.equal(gap.value, null, "no stale good value");
    await eventually("device degraded", () => rig.status().state === "degraded" || undefined);
    const refused = await rig.write("signal_light", true);
    assert.equal(refused.ok, false);
    assert.match(refused.error!.message, /Cannot write c2\.signal_light: not connected/);
    // Failed reconnection attempts meanwhile do not repeat the bad sample.
    await eventually("a few failed attempts", () => rig.status().counters.errors >= 2 || undefined);

    await sim.start();
    const d = await eventually("good again", async () => {
      const d = await rig.dump();
      return last(d["c2/temperature"])?.quality === "good" &&
          last(d["c2/signal_light"])?.quality === "good"
        ? d
        : undefined;
    });
    for (const tag of ["temperature", "signal_light"]) {
      const samples = d[`c2/${tag}`].samples;
      const bad = samples.filter((s) => s.quality === "bad");
      assert.equal(bad.length, 1, `${tag}: one bad sample for the outage`);
      const after = samples.slice(samples.indexOf(bad[0]) + 1);
      assert.ok(after.length > 0 && after.every((s) => s.quality === "good"), tag);
      assert.ok(after[0].ts > bad[0].ts, `${tag}: the first value after the gap is dated after it`);
    }
    assert.equal(rig.status().restarts, 0, "recovered without restarting the actor");
    await eventually("running again", () => rig.status().state === "running" || undefined);
    await eventually(
      "the reconnect counted",
      () => rig.status().counters.reconnects >= 1 || undefined,
    );
    assert.equal((await rig.write("signal_light", true)).ok, true, "writes work again");
  } finally {
    await rig.stop();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("opcua: the server hangs without closing the connection; keep-alive notices, values resume", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-hang-" });
  const sim = new OpcuaSimProcess({ port: freePort(), pkiDir: `${dir}/sim` });
  await sim.start();
  const proxy = new FreezeProxy(freePort(), sim.opts.port);
  proxy.start();
  const rig = await startRig({
    endpoint: `opc.tcp://127.0.0.1:${proxy.port}/tagflow`,
    pki_dir: `${dir}/gw`,
    timeout_ms: 1000,
    reconnect: { initial_ms: 100, max_ms: 500 },
    subscription: { publishing_interval_ms: 100, sampling_interval_ms: 50 },
    tags: [{ name: "temperature", node_id: "ns=1;s=Compressor2.Temperature" }],
  });
  try {
    await eventually(
      "good values",
      async () => last((await rig.dump())["c2/temperature"])?.quality === "good" || undefined,
    );
    proxy.freeze();
    const gap = await eventually("bad while the server says nothing", async () => {
      const s = last((await rig.dump())["c2/temperature"]);
      return s?.quality === "bad" ? s : undefined;
    });
    assert.match(gap.reason ?? "", /^connection lost/, `reason: ${gap.reason}`);
    // Connection attempts into the silence time out instead of waiting for ever.
    await eventually(
      "attempts time out",
      () => /timed out/.test(rig.status().reason ?? "") || undefined,
    );
    proxy.thaw();
    await eventually(
      "good again",
      async () => last((await rig.dump())["c2/temperature"])?.quality === "good" || undefined,
    );
    assert.equal(rig.status().restarts, 0);
    // The session lost in the hang was taken over and closed, not left to time out (60 s).
    assert.equal(await sessions(sim.opts.port, `${dir}/bare`), 2, "the gateway's and this one");
  } finally {
    await rig.stop();
    proxy.stop();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("opcua: stopping does not wait for a server that does not answer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-stop-" });
  const sim = new OpcuaSimProcess({ port: freePort(), pkiDir: `${dir}/sim` });
  await sim.start();
  const proxy = new FreezeProxy(freePort(), sim.opts.port);
  proxy.start();
  proxy.freeze();
  const rig = await startRig({
    endpoint: `opc.tcp://127.0.0.1:${proxy.port}/tagflow`,
    pki_dir: `${dir}/gw`,
    timeout_ms: 60_000, // far beyond the stop deadline below
    tags: [{ name: "temperature", node_id: "ns=1;s=Compressor2.Temperature" }],
  });
  try {
    await eventually("c2 has started", () => rig.status().state === "starting" || undefined);
    await eventually(
      "the connection attempt is under way (the frozen proxy took it)",
      () => proxy.accepted > 0 || undefined,
    );
    // Well below the 60 s timeout, with room for a busy machine.
    assert.equal(await rig.stop(15_000), true, "every actor stopped before the deadline");
  } finally {
    proxy.stop();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
