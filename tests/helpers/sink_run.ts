import type { ActorSpec } from "../../src/runtime/messages.ts";
import type { WhenFull } from "../../src/runtime/outbox.ts";
import { Router } from "../../src/runtime/router.ts";
import { type ActorStatus, Supervisor } from "../../src/runtime/supervisor.ts";
import { eventually } from "./net.ts";

/**
 * One device routed to one sink in the gateway's runtime, hosted by the test worker (the product's
 * actor kinds plus the test ones). Not started; `status(id)` reads an actor's current status.
 */
export function pairSupervisor(
  device: Omit<ActorSpec, "role">,
  sink: Omit<ActorSpec, "role">,
  { whenFull = "block", logLevel = "error" }: { whenFull?: WhenFull; logLevel?: "warn" | "error" } =
    {},
) {
  const router = new Router(
    new Map([[device.id, [sink.id]]]),
    new Map([[sink.id, { maxSamples: 100_000, whenFull }]]),
    8,
  );
  const sup = new Supervisor([{ ...device, role: "device" }, { ...sink, role: "sink" }], router, {
    workerUrl: new URL("../fixtures/test_worker.ts", import.meta.url),
    restart: { initialMs: 100, maxMs: 1000 },
    stableMs: 10_000,
    logLevel,
  });
  const status = (id: string): ActorStatus => sup.status().find((a) => a.id === id)!;
  return { sup, router, status };
}

/**
 * Runs a counter device (values 0…total-1, one ms apart) into one sink until the device sent all,
 * then stops the gateway runtime, which drains the sink. Returns the sink's final status; throws,
 * saying how far the device got, when it never sent all.
 */
export async function runCounterInto(
  device: string,
  kind: string,
  config: unknown,
  total: number,
): Promise<{ clean: boolean; sink: ActorStatus }> {
  const { sup, status } = pairSupervisor(
    { id: device, kind: "counter", config: { interval_ms: 0, batch: 100, total } },
    { id: "sink", kind, config },
    { logLevel: "warn" },
  );
  await sup.start();
  try {
    await eventually(`device ${device} sent all ${total} samples into the ${kind} sink`, () => {
      const [dev, sink] = [status(device), status("sink")];
      if (dev.counters.samples_out >= total) return true;
      const said = (a: ActorStatus) => `${a.state}${a.reason ? ` (${a.reason})` : ""}`;
      throw new Error(
        `sent ${dev.counters.samples_out}; device ${said(dev)}, sink ${said(sink)}`,
      );
    });
  } catch (err) {
    await sup.stop(1000);
    throw err;
  }
  const clean = await sup.stop(30_000);
  return { clean, sink: status("sink") };
}
