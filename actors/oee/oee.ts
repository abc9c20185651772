/** What a machine is doing: producing, stopped (idle, changeover), or faulted. */
export type RunState = "running" | "stopped" | "faulted";

/** A shift: a daily period of planned production, by clock time ("06:00"–"14:00"). */
export interface Shift {
  name: string;
  start: string;
  end: string;
}

export interface OeeOptions {
  /** Seconds one part takes at the ideal rate. */
  idealCycleS: number;
  shifts: Shift[];
  /** The plant's offset from UTC in minutes (shift times are local). */
  utcOffsetMinutes?: number;
}

/** OEE over a period, with what it is made of. */
export interface OeeFigures {
  from: number;
  to: number;
  plannedS: number;
  runS: number;
  total: number;
  good: number;
  availability: number;
  performance: number;
  quality: number;
  oee: number;
  /** Energy used per good part, when an energy counter is given. */
  energyPerGood?: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** How much history is kept: enough for a shift that started yesterday. */
const KEEP_MS = 2 * DAY;

const minutesOf = (hhmm: string, what: string) => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`${what}: "${hhmm}" is not a time of day HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** A counter's increments with resets taken in: a reading below the last starts again from 0. */
class Counter {
  #last: number | undefined;
  /** [ts, increment] since the last reading. */
  readonly steps: [number, number][] = [];

  read(ts: number, value: number): void {
    if (this.#last !== undefined) {
      const inc = value >= this.#last ? value - this.#last : value; // a reset: counted from 0
      if (inc > 0) this.steps.push([ts, inc]);
    }
    this.#last = value;
  }

  within(from: number, to: number): number {
    let n = 0;
    for (const [ts, inc] of this.steps) if (ts > from && ts <= to) n += inc;
    return n;
  }

  prune(before: number): void {
    while (this.steps.length > 0 && this.steps[0][0] < before) this.steps.shift();
  }
}

/**
 * OEE of one machine: availability (running time ÷ planned time), performance (ideal cycle time
 * × parts ÷ running time), quality (good ÷ total parts) and their product, per shift of the
 * calendar and over the last hour. Counters may reset (a PLC restart): a reading below the
 * previous counts from zero. A stop that spans a shift change counts in each shift for its part.
 */
export class Oee {
  readonly #states: [number, RunState][] = [];
  readonly #good = new Counter();
  readonly #total = new Counter();
  readonly #energy = new Counter();
  readonly #shifts: { name: string; start: number; end: number }[];

  constructor(readonly opts: OeeOptions) {
    if (!(opts.idealCycleS > 0)) {
      throw new Error(`oee: ideal cycle ${opts.idealCycleS} s must be > 0`);
    }
    this.#shifts = opts.shifts.map((s, i) => ({
      name: s.name,
      start: minutesOf(s.start, `shift ${i + 1} (${s.name}) start`),
      end: minutesOf(s.end, `shift ${i + 1} (${s.name}) end`),
    }));
  }

  state(ts: number, state: RunState): void {
    if (this.#states.at(-1)?.[1] !== state) this.#states.push([ts, state]);
  }

  good(ts: number, count: number): void {
    this.#good.read(ts, count);
  }

  total(ts: number, count: number): void {
    this.#total.read(ts, count);
  }

  energy(ts: number, counter: number): void {
    this.#energy.read(ts, counter);
  }

  /** The shift `ts` falls in, with its start and end (ms), or undefined outside every shift. */
  shiftAt(ts: number): { name: string; from: number; to: number } | undefined {
    const offset = (this.opts.utcOffsetMinutes ?? 0) * 60_000;
    const local = ts + offset;
    const midnight = Math.floor(local / DAY) * DAY - offset;
    for (const s of this.#shifts) {
      // A shift over midnight (22:00–06:00) belongs to the day it starts.
      for (const day of [midnight, midnight - DAY]) {
        const from = day + s.start * 60_000;
        const to = day + s.end * 60_000 + (s.end <= s.start ? DAY : 0);
        if (ts >= from && ts < to) return { name: s.name, from, to };
      }
    }
    return undefined;
  }

  /**
   * OEE of the shift `now` is in, up to `now`; from the first run state known when that came
   * later (the gateway started mid-shift: what it did not see is not counted against it).
   */
  shift(now: number): (OeeFigures & { shift: string }) | undefined {
    const s = this.shiftAt(now);
    return s && { shift: s.name, ...this.over(Math.max(s.from, this.#knownSince()), now) };
  }

  /** OEE of the last hour (all of it planned), or since the first run state known. */
  lastHour(now: number): OeeFigures {
    return this.over(Math.max(now - HOUR, this.#knownSince()), now);
  }

  #knownSince(): number {
    return this.#states[0]?.[0] ?? Infinity;
  }

  /** OEE over [from, to], all of it planned time. */
  over(from: number, to: number): OeeFigures {
    this.#prune(to - KEEP_MS);
    const plannedS = (to - from) / 1000;
    const runS = this.#runningMs(from, to) / 1000;
    const total = this.#total.within(from, to), good = this.#good.within(from, to);
    const availability = plannedS > 0 ? runS / plannedS : 0;
    const performance = runS > 0 ? (this.opts.idealCycleS * total) / runS : 0;
    const quality = total > 0 ? good / total : 0;
    const f: OeeFigures = {
      from,
      to,
      plannedS,
      runS,
      total,
      good,
      availability,
      performance,
      quality,
      oee: availability * performance * quality,
    };
    if (this.#energy.steps.length > 0) {
      f.energyPerGood = good > 0 ? this.#energy.within(from, to) / good : NaN;
    }
    return f;
  }

  #runningMs(from: number, to: number): number {
    let ms = 0;
    this.#states.forEach(([ts, state], i) => {
      if (state !== "running") return;
      const end = i + 1 < this.#states.length ? this.#states[i + 1][0] : to;
      ms += Math.max(0, Math.min(end, to) - Math.max(ts, from));
    });
    return ms;
  }

  #prune(before: number): void {
    while (this.#states.length > 1 && this.#states[1][0] < before) this.#states.shift();
    this.#good.prune(before);
    this.#total.prune(before);
    this.#energy.prune(before);
  }
}
