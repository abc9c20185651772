// A device whose server answers every read with garbage, a wrong unit or transaction id, a
// trickle or exception 4 is degraded with the reason: at once when the driver drops the
// connection (a stream out of step), else at the degraded_after-th failed poll; /ready answers
// 503 naming it, the good device beside it stays running and on time,
// and the device is running again once the server answers rightly.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { type Behaviour, HostileModbus } from "../helpers/hostile_modbus.ts";
import { eventually, freePort } from "../helpers/net.ts";

interface Actor {
  id: string;
  state: string;
  reason?: string;
  counters: Record<string, number>;
}

const CASES: { name: string; behaviour: Behaviour; reason: RegExp }[] = [
  {
    name: "garbage",
    behaviour: { kind: "garbage", bytes: new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]) },
    reason: /stray bytes: the stream is out of step/,
  },
  {
    name: "wrong unit id",
    behaviour: { kind: "unit", xor: 7 },
    reason: /expected address 1 got 6/,
  },
  { name: "wrong transaction id", behaviour: { kind: "transaction", xor: 1 }, reason: /timed out/ },
  { name: "trickle", behaviour: { kind: "trickle", gapMs: 40 }, reason: /timed out/ },
  {
    name: "exception 4",
    behaviour: { kind: "exception", code: 4 },
    reason: /^exception 4 \(server device failure\)/,
  },
];

Deno.test("a hostile Modbus server: its device degraded after 3 polls, /ready 503, the good one untouched", async () => {
  const hostile = new HostileModbus();
  const [sim, api] = [freePort(), freePort()];
  const device = (port: number) => ({
    kind: "modbus",
    host: "127.0.0.1",
    port,
    interval_ms: 300,
    timeout_ms: 150,
    retries: 0,
    health: { degraded_after: 3 },
    tags: [{ name: "t", address: "1!40001", type: "int16" }],
  });
  const gw = await GatewayProcess.start({
    api: { port: api },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 300 } },
    devices: { good: device(sim), bad: device(hostile.port) },
  }, api);
  const actors = async () => {
    const list = (await gw.get("/api/actors")).body as Actor[];
    const good = list.find((a) => a.id === "good")!;
    assert.equal(good.state, "running", `the good device stays running: ${good.reason}`);
    return { good, bad: list.find((a) => a.id === "bad")! };
  };
  try {
    await gw.healthy();
    await eventually("both devices running", async () => {
      const { bad } = await actors();
      return bad.state === "running" || undefined;
    });
    for (const c of CASES) {
      hostile.behaviour = c.behaviour;
      const bad = await eventually(`${c.name}: degraded`, async () => {
        const { bad } = await actors();
        return bad.state === "degraded" ? bad : undefined;
      });
      assert.match(bad.reason ?? "", c.reason, `${c.name}: ${bad.reason}`);
      // Degraded by its data (the connection stays up), the reason gives the count at the change.
      if (!/reconnecting|connection/.test(bad.reason ?? "")) {
        assert.match(
          bad.reason ?? "",
          /\(3 polls in a row read nothing good\)$/,
          `${c.name}: degraded at the third failed poll: ${bad.reason}`,
        );
      }
      const ready = await gw.get("/ready");
      assert.equal(ready.status, 503);
      const named = (ready.body as { actors: Actor[] }).actors.map((a) => `${a.id}:${a.state}`);
      assert.deepEqual(named, ["bad:degraded"], `${c.name}: /ready names the bad device alone`);
      await eventually(`${c.name}: /metrics has the failure gauges`, async () => {
        const metrics = await (await fetch(`${gw.url}/metrics`)).text();
        const gauge = (name: string, id: string) =>
          Number(
            metrics.match(new RegExp(`^tagflow_${name}\\{actor="${id}"[^}]*\\} (\\S+)$`, "m"))?.[1],
          );
        return (gauge("consecutive_failures", "bad") >= 3 &&
          gauge("good_values", "bad") === 0 && gauge("consecutive_failures", "good") === 0 &&
          gauge("good_values", "good") > 0) || undefined;
      });

      hostile.behaviour = { kind: "right" };
      await eventually(`${c.name}: running again once the server answers rightly`, async () => {
        const { bad } = await actors();
        if (bad.state !== "running") throw new Error(`${bad.state}: ${bad.reason}`);
        return true;
      });
    }
    const { good } = await actors();
    assert.equal(good.counters.overruns, 0, "the good device polled on time");
    assert.equal(good.counters.errors, 0);
    assert.ok(good.counters.good_values > 0, "good values in the last interval");
  } finally {
    await gw.stop();
    hostile.close();
  }
});
