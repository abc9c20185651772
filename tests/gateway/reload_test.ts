// Hot reload of a running gateway process: an edited file restarts only the actor whose config
// changed; an invalid edit changes nothing and the reason comes back; a removed sink leaves its
// buffer on disk and the log says where; SIGHUP reloads instead of ending the process.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

interface Actor {
  id: string;
  state: string;
  since: string;
  restarts: number;
  worker: string;
  counters: { samples_out: number; samples_in: number };
}

const TOKEN = "reload-test-token";

function lineConfig(sim: number, api: number, dir: string, dbPort: number) {
  const device = (interval_ms: number) => ({
    kind: "modbus",
    host: "127.0.0.1",
    port: sim,
    interval_ms,
    tags: [{ name: "n", address: "1!40001", type: "int16" }],
  });
  return {
    gateway: { shutdown_timeout_ms: 2000 },
    api: { port: api, tokens: { ops: "${RELOAD_TEST_TOKEN}" } },
    commands: { audit_file: `${dir}/audit.jsonl` },
    simulators: { sim: { kind: "modbus", port: sim, profile: "seed001", tick_ms: 100 } },
    devices: { d1: device(200), d2: device(200), d3: device(200) },
    sinks: {
      history: { kind: "history", file: `${dir}/history.sqlite`, fsync: false },
      // No database listens here: what it takes stays in its buffer.
      away: {
        kind: "timescaledb",
        url: `postgres://tagflow@127.0.0.1:${dbPort}/test`,
        buffer: { dir: `${dir}/away-buffer`, fsync: "never" },
      },
    },
  };
}

async function actors(gw: GatewayProcess): Promise<Map<string, Actor>> {
  const list = (await gw.get("/api/actors")).body as Actor[];
  return new Map(list.map((a) => [a.id, a]));
}

async function reloadByApi(gw: GatewayProcess) {
  const res = await fetch(`${gw.url}/api/config/reload`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("hot reload: one device's interval, an invalid edit, a removed sink, SIGHUP", async () => {
  const [sim, api, dbPort] = [freePort(), freePort(), freePort()];
  const dir = await Deno.makeTempDir({ prefix: "tagflow-reload-" });
  const config = lineConfig(sim, api, dir, dbPort);
  const gw = await GatewayProcess.start(config, api, { RELOAD_TEST_TOKEN: TOKEN });
  const write = (c: unknown) => Deno.writeTextFile(gw.configFile, JSON.stringify(c, null, 2));
  try {
    await gw.healthy(60_000);
    const before = await eventually("every device polls; the buffer holds samples", async () => {
      const a = await actors(gw);
      const polling = ["d1", "d2", "d3"].every((d) =>
        a.get(d)?.state === "running" && a.get(d)!.counters.samples_out >= 5
      );
      return polling && a.get("away")!.counters.samples_in > 0 ? a : undefined;
    });

    // 1. d1 polls every 300 ms instead of 200: only d1 restarts.
    const changed = structuredClone(config);
    changed.devices.d1.interval_ms = 300;
    await write(changed);
    const after = await eventually("d1 restarted with the new interval", async () => {
      const a = await actors(gw);
      const d1 = a.get("d1")!;
      return d1.since !== before.get("d1")!.since && d1.state === "running" ? a : undefined;
    });
    for (const id of ["d2", "d3", "history", "away", "sim"]) {
      const [was, is] = [before.get(id)!, after.get(id)!];
      assert.equal(is.since, was.since, `${id} kept running`);
      assert.equal(is.restarts, 0, `${id} not restarted`);
      assert.equal(is.worker, was.worker, `${id} in the same worker`);
      assert.ok(
        is.counters.samples_out >= was.counters.samples_out,
        `${id}'s counters kept: ${was.counters.samples_out} → ${is.counters.samples_out}`,
      );
    }
    const shown = (await gw.get("/api/config")).body as {
      config: { devices: Record<string, { interval_ms: number }>; api: { tokens: unknown } };
    };
    assert.equal(shown.config.devices.d1.interval_ms, 300);
    assert.deepEqual(shown.config.api.tokens, { ops: "${RELOAD_TEST_TOKEN}" }, "secret masked");
    // d2 went on polling through d1's restart: its history has no hole.
    const reloadedAt = Date.parse(after.get("d1")!.since);
    await eventually("d2's history past the reload", async () => {
      const h = (await gw.get(
        `/api/history?path=d2/n&from=${reloadedAt - 3000}&to=${reloadedAt + 1500}&points=10000`,
      )).body as { ts: number[] };
      return h.ts.length > 0 && h.ts[h.ts.length - 1] >= reloadedAt + 1000 ? h : undefined;
    }).then((h) => {
      const gaps = h.ts.slice(1).map((t, i) => t - h.ts[i]);
      assert.ok(h.ts[0] < reloadedAt - 400, "from before the reload");
      assert.ok(Math.max(...gaps) < 1000, `d2's samples every 200 ms, largest gap ${gaps}`);
    });

    // 2. An invalid edit: nothing changes, every problem comes back by path.
    const broken = structuredClone(changed) as Record<string, unknown> & typeof changed;
    (broken.devices.d2 as Record<string, unknown>).port = "not a port";
    (broken.devices.d3 as Record<string, unknown>).colour = "red";
    await write(broken);
    const refused = await reloadByApi(gw);
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.code, "invalid_config");
    const paths = refused.body.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ["devices.d2.port", "devices.d3"]);
    assert.match(refused.body.issues[1].message + refused.body.issues[0].message, /colour/);
    const unchanged = await actors(gw);
    for (const id of ["d1", "d2", "d3"]) {
      assert.equal(unchanged.get(id)!.since, after.get(id)!.since, `${id} untouched`);
    }
    const audit = (await gw.get("/api/audit")).body as { action: string; outcome: string }[];
    assert.ok(audit.some((e) => e.action === "reload" && e.outcome === "refused"), "audited");

    // 3. The sink without a broker is removed: its buffer stays on disk; the others go on.
    const fewer = structuredClone(changed) as Partial<typeof changed> & typeof changed;
    delete (fewer.sinks as Record<string, unknown>).away;
    await write(fewer);
    await eventually(
      "the sink is gone",
      async () => (await actors(gw)).has("away") ? undefined : 1,
    );
    const files = [...Deno.readDirSync(`${dir}/away-buffer`)];
    const bytes = files.reduce((n, f) => n + Deno.statSync(`${dir}/away-buffer/${f.name}`).size, 0);
    assert.ok(bytes > 0, "the buffer is kept");
    const left = await actors(gw);
    assert.equal(left.get("d2")!.since, before.get("d2")!.since);
    assert.equal(left.get("history")!.since, before.get("history")!.since);

    // 4. SIGHUP reloads (the file as it is: no change) and the process goes on.
    const loaded = async () =>
      ((await gw.get("/api/config")).body as { loaded_at: string }).loaded_at;
    const lastLoad = await loaded();
    gw.child.kill("SIGHUP");
    await eventually("a reload on SIGHUP", async () => await loaded() !== lastLoad || undefined);
    assert.equal((await gw.get("/health")).status, 200, "the process goes on");
    await write(changed); // the sink comes back, found by the file watch
    await eventually("the sink is back", async () => (await actors(gw)).get("away")?.state);
    const { stdout, stderr } = await gw.stop();
    const log = stdout + stderr;
    assert.match(
      log,
      /"msg":"sink removed: what it had not stored stays on disk"[^\n]*away-buffer/,
    );
    assert.match(log, /"msg":"config reload refused: nothing changed"/);
    assert.match(log, /"msg":"config reloaded","component":"config","trigger":"signal"/);
  } finally {
    await gw.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
