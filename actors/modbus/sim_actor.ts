import type { ModbusSimulatorConfig } from "./config.ts";
import type { ActorContext } from "../../src/runtime/actor.ts";
import { whenAborted } from "../../src/runtime/schedule.ts";
import { startModbusSim } from "./sim_server.ts";

/** Runs a built-in Modbus TCP simulator until stopped. */
export default async function modbusSim(ctx: ActorContext): Promise<void> {
  const cfg = ctx.config as ModbusSimulatorConfig;
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
