// `deno task compile` builds one executable holding every worker module. It needs Deno's base
// runtime (denort), which this machine cannot download: the test runs where DENORT_BIN is set or
// Deno's cache already holds denort, and otherwise reports itself ignored with that reason.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function findDenort(): Promise<string | undefined> {
  const fromEnv = Deno.env.get("DENORT_BIN");
  if (fromEnv) return fromEnv;
  const dir = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;
  try {
    for await (const e of Deno.readDir(`${dir}/dl/release/v${Deno.version.deno}`)) {
      if (e.name.startsWith("denort")) return `${dir}/dl/release/v${Deno.version.deno}/${e.name}`;
    }
  } catch { /* no cache */ }
  return undefined;
}

const denort = await findDenort();

Deno.test({
  name: denort
    ? "deno task compile builds a single executable whose workers run"
    : "deno task compile (ignored: no denort base runtime here; set DENORT_BIN or pre-fill Deno's cache)",
  ignore: !denort,
  async fn() {
    const build = await new Deno.Command(Deno.execPath(), { args: ["task", "compile"], cwd: ROOT })
      .output();
    assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const binary = `${ROOT}dist/tagflow`;
    const [sim, api] = [freePort(), freePort()];
    const config = {
      api: { port: api },
      simulators: { s: { kind: "modbus", port: sim, profile: "seed001" } },
      devices: {
        d: {
          kind: "modbus",
          host: "127.0.0.1",
          port: sim,
          tags: [{ name: "t", address: "1!40001", type: "int16" }],
        },
      },
    };
    const gw = await GatewayProcess.start(config, api, {}, [binary]);
    try {
      await eventually(
        "/ready 200 from the compiled binary",
        async () => (await gw.get("/ready")).status === 200 || undefined,
      );
    } finally {
      assert.equal((await gw.stop()).code, 0);
    }
  },
});
