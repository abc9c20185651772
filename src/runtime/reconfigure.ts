import type { ActorSpec, Role } from "./messages.ts";
import { diffPlans } from "./plan_diff.ts";
import type { Router, SinkQueue } from "./router.ts";
import type { Supervisor } from "./supervisor.ts";

/** What a reconfiguration did, by actor id. */
export interface Reconfigured {
  added: string[];
  removed: string[];
  changed: string[];
  /** Running devices and transforms whose batches go to other sinks now. */
  retargeted: string[];
  /** Actors that did not stop within the timeout (their run was ended anyway). */
  late: string[];
}

/** The order actors stop in (the producers first, so their last batches reach the sinks). */
const STOP_ORDER: readonly Role[] = ["device", "transform", "sink", "simulator"];
/** The order actors start in (what serves or takes samples before what produces them). */
const START_ORDER: readonly Role[] = ["simulator", "sink", "transform", "device"];

/**
 * Moves a running gateway to a new set of actors and routes: the actors that are the same keep
 * running untouched (their workers, queues, counters and `since`); the removed ones stop, and a
 * removed sink is first sent what its queues held; the changed ones stop and start again with
 * their new config (a changed sink's queues wait for it); the added ones start. Sources whose
 * targets changed are told so without a restart.
 */
export async function reconfigure(
  supervisor: Supervisor,
  router: Router,
  next: ActorSpec[],
  routes: ReadonlyMap<string, readonly string[]>,
  queues: ReadonlyMap<string, SinkQueue>,
  timeoutMs = 30_000,
): Promise<Reconfigured> {
  const diff = diffPlans(supervisor.specs(), router.routesInForce(), next, routes);
  const done: Reconfigured = {
    added: diff.added.map((s) => s.id),
    removed: diff.removed.map((s) => s.id),
    changed: diff.changed.map((s) => s.id),
    retargeted: diff.retargeted,
    late: [],
  };
  router.update(routes, queues);
  for (const id of diff.retargeted) supervisor.retarget(id);
  const changed = new Set(done.changed);
  for (const role of STOP_ORDER) {
    const leaving = [...diff.removed, ...diff.changed].filter((s) => s.role === role);
    const inTime = await Promise.all(
      leaving.map((s) => supervisor.remove(s.id, changed.has(s.id), timeoutMs)),
    );
    leaving.forEach((s, i) => inTime[i] || done.late.push(s.id));
  }
  const coming = [...diff.added, ...diff.changed];
  for (const spec of coming) supervisor.add(spec);
  for (const role of START_ORDER) {
    for (const spec of coming) if (spec.role === role) supervisor.launch(spec.id);
  }
  return done;
}
