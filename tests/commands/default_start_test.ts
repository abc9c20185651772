// The README's command, as `deno task start` runs it with the default config.jsonc: with
// TAGFLOW_API_TOKEN set, a REST write switches the built-in OPC UA compressor's signal light (its
// simulator read back by a bare client); without the token the route answers 401, and with no
// token configured at all 403.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { bareRead } from "../helpers/opcua_bare_read.ts";

const CONFIG = new URL("../../config.jsonc", import.meta.url).pathname;
const PATH = "/api/devices/compressor2/tags/signal_light/write";

async function write(gw: GatewayProcess, value: boolean, token?: string) {
  const res = await fetch(gw.url + PATH, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ value }),
  });
  return { status: res.status, body: await res.json() };
}

async function compressor2Running(gw: GatewayProcess) {
  await gw.healthy();
  await eventually("compressor2 running", async () => {
    const actors = (await gw.get("/api/actors")).body as { id: string; state: string }[];
    return actors.find((a) => a.id === "compressor2")?.state === "running" || undefined;
  });
}

Deno.test("the default config: TAGFLOW_API_TOKEN set, the signal light switches over REST; unset, 403", async () => {
  const dir = await Deno.makeTempDir({ prefix: "default-start-" });
  const token = "op-" + crypto.randomUUID();
  const light = () =>
    bareRead("opc.tcp://127.0.0.1:4840/tagflow", `${dir}/bare`, "ns=1;s=Compressor2.SignalLight");
  let port = freePort();
  let gw = new GatewayProcess(CONFIG, port, {
    TAGFLOW_API_PORT: String(port),
    TAGFLOW_API_TOKEN: token,
  });
  try {
    await compressor2Running(gw);
    for (const on of [true, false]) {
      const r = await write(gw, on, token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.written, r.body.readback], [on, on]);
      assert.equal(await light(), on, "the simulator's light as a bare client reads it");
    }
    const unauthorized = await write(gw, true);
    assert.equal(unauthorized.status, 401);
    assert.equal(await light(), false, "nothing written without the token");
  } finally {
    const { code, stderr } = await gw.stop();
    assert.equal(code, 0, stderr);
  }
  port = freePort();
  gw = new GatewayProcess(CONFIG, port, { TAGFLOW_API_PORT: String(port) });
  try {
    await compressor2Running(gw);
    const off = await write(gw, true, token);
    assert.equal(off.status, 403);
    assert.equal(off.body.error.code, "commands_disabled");
    assert.match(off.body.error.message, /TAGFLOW_API_TOKEN/);
    assert.equal(await light(), false);
  } finally {
    const { code, stderr } = await gw.stop();
    await Deno.remove(dir, { recursive: true });
    assert.equal(code, 0, stderr);
  }
});
