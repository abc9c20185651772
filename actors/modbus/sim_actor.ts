import type { ModbusSimulatorConfig } from "./config.ts";
import { type ActorContext, whenAborted } from "../../src/runtime/kit.ts";
import { startModbusSim } from "./sim_server.ts";

/** Runs a built-in Modbus TCP simulator until stopped. */
export default async function modbusSim(ctx: ActorContext<ModbusSimulatorConfig>): Promise<void> {
  const cfg = ctx.config;
  const sim = await startModbusSim({
    host: cfg.host,
    port: cfg.port,
    profile: cfg.profile,
    unitId: cfg.unit_id,
    tickMs: cfg.tick_ms,
  });
  ctx.setState("running");
  await whenAborted(ctx.signal);
  await sim.close();
}
