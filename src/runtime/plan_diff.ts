import type { ActorSpec } from "./messages.ts";

/** What a new set of actors changes against the running one, by actor id. */
export interface PlanDiff {
  /** In the new set only. */
  added: ActorSpec[];
  /** In the running set only. */
  removed: ActorSpec[];
  /** In both, with another kind, role, config, UNS levels, health settings or permissions. */
  changed: ActorSpec[];
  /** In both and the same: they keep running untouched. */
  unchanged: string[];
  /** Unchanged devices and transforms whose targets (sinks, transforms) are not the same. */
  retargeted: string[];
}

/**
 * Compares two sets of actor specs and their routes (targets by source id). The worker an actor
 * is placed in does not count: an unchanged actor stays where it runs.
 */
export function diffPlans(
  running: readonly ActorSpec[],
  runningRoutes: ReadonlyMap<string, readonly string[]>,
  next: readonly ActorSpec[],
  nextRoutes: ReadonlyMap<string, readonly string[]>,
): PlanDiff {
  const before = new Map(running.map((s) => [s.id, s]));
  const after = new Map(next.map((s) => [s.id, s]));
  const diff: PlanDiff = { added: [], removed: [], changed: [], unchanged: [], retargeted: [] };
  for (const spec of next) {
    const old = before.get(spec.id);
    if (!old) diff.added.push(spec);
    else if (!sameActor(old, spec)) diff.changed.push(spec);
    else {
      diff.unchanged.push(spec.id);
      if (!sameList(runningRoutes.get(spec.id), nextRoutes.get(spec.id))) {
        diff.retargeted.push(spec.id);
      }
    }
  }
  for (const spec of running) if (!after.has(spec.id)) diff.removed.push(spec);
  return diff;
}

/** True when nothing changes. */
export function isEmpty(diff: PlanDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length +
      diff.retargeted.length === 0;
}

function sameActor(a: ActorSpec, b: ActorSpec): boolean {
  const { placement: _a, ...left } = a;
  const { placement: _b, ...right } = b;
  return canonical(left) === canonical(right);
}

function sameList(a: readonly string[] = [], b: readonly string[] = []): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** JSON with object keys sorted, so field order in the file does not count as a change. */
export function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x < y ? -1 : x > y ? 1 : 0))
        : v,
  );
}
