import type { ActorEntry } from "./actor_entry.ts";
import type { Counters } from "./counters.ts";
import { type ActorSpec, type ActorState, producesSamples, takesSamples } from "./messages.ts";
import type { Router } from "./router.ts";

/** One actor as /api/actors shows it. */
export interface ActorStatus {
  id: string;
  kind: string;
  role: ActorSpec["role"];
  /** The worker it runs in: its placement key (e.g. "device/modbus#0"), or "actor:<id>" alone. */
  worker: string;
  state: ActorState;
  reason?: string;
  since: string;
  restarts: number;
  /** The delay before the latest scheduled restart. */
  backoff_ms?: number;
  counters: Counters & { queue_depth: number };
}

/**
 * An actor's status: its state and counter totals, with its queue as the sending workers
 * report it (a device's worker's batches waiting; a sink's queue depth, samples held, drops and
 * lost batches over every worker feeding it).
 */
export function statusOf(e: ActorEntry, router: Router): ActorStatus {
  const counters = { ...e.counters.total(), queue_depth: 0 } as ActorStatus["counters"];
  if (producesSamples(e.spec.role)) counters.queue_depth = router.outputDepth(e.slot);
  if (takesSamples(e.spec.role)) {
    const q = router.sinkQueue(e.id);
    counters.queue_depth = q.depth;
    counters.queued_samples = q.samples;
    counters.dropped += q.dropped;
    counters.lost_batches = q.lost_batches;
  }
  const status: ActorStatus = {
    id: e.id,
    kind: e.spec.kind,
    role: e.spec.role,
    worker: e.slot,
    state: e.state,
    since: new Date(e.since).toISOString(),
    restarts: e.restarts,
    counters,
  };
  if (e.reason) status.reason = e.reason;
  if (e.backoffMs !== undefined) status.backoff_ms = e.backoffMs;
  return status;
}
