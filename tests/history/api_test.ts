// The embedded history through the gateway process: a simulated Modbus device's values land in
// the history sink and come back from GET /api/history (by device/tag and by UNS path); wrong
// parameters answer 400 naming the parameter, an unknown tag 404.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

Deno.test("history API: a device's values over a range; bad parameters named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "history-api-" });
  const api = freePort(), plc = freePort();
  const gw = await GatewayProcess.start({
    gateway: { name: "hist", log_level: "warn" },
    api: { port: api },
    uns: { site: "plant9" },
    simulators: { sim: { kind: "modbus", port: plc, profile: "compressor", tick_ms: 100 } },
    devices: {
      plc: {
        kind: "modbus",
        host: "127.0.0.1",
        port: plc,
        interval_ms: 100,
        tags: [{ name: "temperature", address: "1!40001", type: "int16", scale: 0.16 }],
      },
    },
    sinks: {
      history: {
        kind: "history",
        file: `${dir}/h.sqlite`,
        buffer: { dir: `${dir}/buffer` },
        batch: { max_linger_ms: 20 },
      },
    },
  }, api);
  const get = async (query: string) => {
    const res = await fetch(`${gw.url}/api/history?${query}`);
    return { status: res.status, body: await res.json() };
  };
  try {
    await gw.healthy();
    const series = await eventually("20 samples in the history", async () => {
      const r = await get("path=plc/temperature");
      return r.status === 200 && r.body.ts.length >= 20 ? r.body : undefined;
    });
    assert.equal(series.path, "plant9/plc/temperature");
    assert.equal(series.step_ms, 0, "raw: fewer samples than points");
    assert.ok(
      series.value.every((v: unknown) => typeof v === "number"),
      JSON.stringify(series.value),
    );
    assert.ok(
      series.ts.every((t: number, i: number) => i === 0 || t > series.ts[i - 1]),
      "in time order",
    );
    const byPath = await get(`path=${encodeURIComponent("plant9/plc/temperature")}&points=5`);
    assert.equal(byPath.status, 200);
    assert.ok(byPath.body.ts.length <= 5 && byPath.body.step_ms > 0, JSON.stringify(byPath.body));
    assert.equal(byPath.body.min.length, byPath.body.ts.length, "min/max a step");

    for (
      const [query, status, message] of [
        ["path=plc/temperature&points=0", 400, /^points: /],
        ["path=plc/temperature&points=many", 400, /^points: /],
        [
          "path=plc/temperature&from=yesterday",
          400,
          /^from: expected an ISO 8601 time or ms, got "yesterday"/,
        ],
        ["path=plc/temperature&to=soon", 400, /^to: /],
        ["path=plc/temperature&from=2000&to=1000", 400, /^from: after to/],
        ["", 400, /^path: /],
        ["path=plc/pressure", 404, /^path: no tag "plc\/pressure"/],
        ["path=plc/temperature&store=other", 404, /^store: no history sink "other"/],
      ] as const
    ) {
      const r = await get(query);
      assert.equal(r.status, status, `${query}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, message, query);
    }
  } finally {
    const { code, stderr } = await gw.stop();
    await Deno.remove(dir, { recursive: true });
    assert.equal(code, 0, stderr);
  }
});
