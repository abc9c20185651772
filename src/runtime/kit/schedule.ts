/** Counts of a fixed-rate schedule. */
export interface ScheduleStats {
  polls: number;
  overruns: number;
  /** Start delay of the latest run against its due time, in ms. */
  poll_lag_ms: number;
}

/** Extras of a fixed-rate schedule. */
export interface ScheduleOptions {
  /**
   * Spread this schedule's runs over its interval, apart from the other spread schedules of this
   * worker (see spreadPhase); without it the first run is due at once.
   */
  spread?: boolean;
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
  const now = performance.now();
  const start = options.spread ? firstDue(now, intervalMs, spreadPhase()) : now;
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

/**
 * The time base of this worker's spread schedules: each is due at this origin plus its phase plus
 * whole intervals, so the phases they were given hold against one another.
 */
const ORIGIN = performance.now();
/** 1/φ: steps of it around a circle keep any number of points nearly evenly apart. */
const GOLDEN_STEP = (Math.sqrt(5) - 1) / 2;
let spreadCount = 0;

/**
 * The phase of the next schedule to spread, as a fraction of its interval: k × (1/φ) mod 1 for
 * the k-th. The n phases handed out so far are never closer than 0.44/n of the interval nor
 * further apart than 1.9/n, and a schedule added later splits one of the widest gaps. (Phases
 * hashed from device names fell in clumps, several polls in the same millisecond, and batches that
 * reach a broker together queue behind each other there.)
 */
export function spreadPhase(): number {
  return (spreadCount++ * GOLDEN_STEP) % 1;
}

/** The first time at or after `now` that is ORIGIN + phase × interval + whole intervals. */
export function firstDue(now: number, intervalMs: number, phase: number): number {
  const offset = ORIGIN + phase * intervalMs;
  // (Less a hair, so that `now` on the grid is not pushed a whole interval on by a rounding.)
  return offset + Math.ceil((now - offset) / intervalMs - 1e-9) * intervalMs;
}
