import { Router } from "../../src/runtime/router.ts";
import { type ActorStatus, Supervisor } from "../../src/runtime/supervisor.ts";

/**
 * Runs a counter device (values 0…total-1, one ms apart) into one sink until the device sent all,
 * then stops the gateway runtime, which drains the sink. Returns the sink's final status.
 */
export async function runCounterInto(
  device: string,
  kind: string,
  config: unknown,
  total: number,
): Promise<{ clean: boolean; sink: ActorStatus }> {
  const router = new Router(
    new Map([[device, ["sink"]]]),
    new Map([["sink", { maxSamples: 100_000, whenFull: "block" as const }]]),
    8,
  );
  const sup = new Supervisor(
    [
      {
        id: device,
        kind: "counter",
        role: "device",
        config: { interval_ms: 0, batch: 100, total },
      },
      { id: "sink", kind, role: "sink", config },
    ],
    router,
    {
      workerUrl: new URL("../fixtures/test_worker.ts", import.meta.url),
      channelCapacity: 8,
      restart: { initialMs: 100, maxMs: 1000 },
      stableMs: 10_000,
      logLevel: "warn",
    },
  );
  await sup.start();
  for (
    let i = 0;
    i < 400 && (sup.status().find((a) => a.id === device)?.counters.samples_out ?? 0) < total;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const clean = await sup.stop(30_000);
  return { clean, sink: sup.status().find((a) => a.id === "sink")! };
}
