import type { OpcuaSimulatorConfig } from "./config.ts";
import { type ActorContext, whenAborted } from "../../src/runtime/kit.ts";
import { startOpcuaSim } from "./sim_server.ts";

/** Runs a built-in OPC UA simulator (compressor2) until stopped. */
export default async function opcuaSim(ctx: ActorContext<OpcuaSimulatorConfig>): Promise<void> {
  const cfg = ctx.config;
  const sim = await startOpcuaSim({
    host: cfg.host,
    port: cfg.port,
    pkiDir: cfg.pki_dir ?? `data/pki/sim-${ctx.id}`,
    users: cfg.users,
    tickMs: cfg.tick_ms,
  });
  ctx.log("info", "OPC UA simulator listening", { endpoint: sim.endpoint });
  ctx.setState("running");
  await whenAborted(ctx.signal);
  await sim.close();
}
