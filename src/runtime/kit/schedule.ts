/** Counts of a fixed-rate schedule. */
export interface ScheduleStats {
  polls: number;
  overruns: number;
  /** Start delay of the latest run against its due time, in ms. */
  poll_lag_ms: number;
}

/** Extras of a fixed-rate schedule. */
export interface ScheduleOptions {
  /** Delay of the first run, to spread many schedules of one interval over it. */
  phaseMs?: number;
  /** Called with each run's start lag (ms behind its due time). */
  onLag?: (lagMs: number) => void;
}

/**
 * Runs `task` at a fixed rate: the n-th run is due n × interval after the first, whatever the
 * previous run took. A run that is due while the previous one is still going is skipped and
 * counted as an overrun, never queued. Resolves once the signal aborts and the last run settled;
 * a run that throws ends the schedule, which rejects with that error.
 */
export async function fixedRate(
  intervalMs: number,
  signal: AbortSignal,
  task: (due: number) => Promise<void>,
  stats: ScheduleStats = { polls: 0, overruns: 0, poll_lag_ms: 0 },
  options: ScheduleOptions = {},
): Promise<ScheduleStats> {
  const start = performance.now() + (options.phaseMs ?? 0);
  let n = 0;
  let running: Promise<void> | undefined;
  // One abort listener for the whole schedule: a thousand devices ticking every second would
  // otherwise add and remove one per tick.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const stopSleeping = () => {
    clearTimeout(timer);
    wake?.();
  };
  signal.addEventListener("abort", stopSleeping, { once: true });
  let failure: { error: unknown } | undefined;
  const settled = () => running = undefined;
  const failed = (error: unknown) => {
    failure = { error };
    settled();
    stopSleeping();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  try {
    while (!signal.aborted && !failure) {
      const due = start + n * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (signal.aborted || failure) break;
      if (running) stats.overruns++;
      else {
        stats.polls++;
        const now = performance.now();
        stats.poll_lag_ms = now - due;
        options.onLag?.(stats.poll_lag_ms);
        const wallDue = Math.round(Date.now() - (now - due));
        running = task(wallDue);
        running.then(settled, failed);
      }
      n++;
      // Skip whole intervals already past (e.g. after the event loop stalled): each is an overrun.
      const behind = Math.floor((performance.now() - (start + n * intervalMs)) / intervalMs);
      if (behind > 0) {
        stats.overruns += behind;
        n += behind;
      }
    }
    await running;
    if (failure) throw failure.error;
  } finally {
    signal.removeEventListener("abort", stopSleeping);
  }
  return stats;
}

/** A stable phase in [0, intervalMs) for a name, so a fleet's polls spread over the interval. */
export function phaseFor(name: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return ((h >>> 0) / 0x100000000) * intervalMs;
}
