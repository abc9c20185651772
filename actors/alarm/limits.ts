/** The levels of a limit alarm, from high-high to low-low. */
export type Level = "hh" | "h" | "l" | "ll";

/** Limits (any of them), the hysteresis band, and the delays. */
export interface Limits {
  hh?: number;
  h?: number;
  l?: number;
  ll?: number;
  /** A level is left only once the value is this far back inside its limit. */
  deadband?: number;
}

/**
 * The level a value is at, given the level it was at: above `h` (or `hh`) it is high, below `l`
 * (`ll`) low; once in a level it stays there until the value is `deadband` back inside the limit,
 * so a value wavering at a limit does not make the alarm chatter.
 */
export function levelOf(value: number, was: Level | undefined, limits: Limits): Level | undefined {
  const db = limits.deadband ?? 0;
  const { hh, h, l, ll } = limits;
  if (hh !== undefined && (value > hh || (was === "hh" && value >= hh - db))) return "hh";
  if (h !== undefined && (value > h || ((was === "h" || was === "hh") && value >= h - db))) {
    return "h";
  }
  if (ll !== undefined && (value < ll || (was === "ll" && value <= ll + db))) return "ll";
  if (l !== undefined && (value < l || ((was === "l" || was === "ll") && value <= l + db))) {
    return "l";
  }
  return undefined;
}

/** A change of an alarm's state. */
export interface AlarmChange {
  ts: number;
  /** The level now active, or undefined: cleared. */
  level: Level | "on" | undefined;
  was: Level | "on" | undefined;
}

/**
 * The state of one alarm over time: a new condition (a level, or "on" for a condition alarm)
 * becomes active once it held for `onDelayMs`, and the alarm clears once its condition has been
 * gone for `offDelayMs`; a condition that does not last that long changes nothing. Tracks the
 * operator's acknowledgement of the active condition.
 */
export class AlarmState {
  active: Level | "on" | undefined;
  acknowledged = false;
  #pending: Level | "on" | undefined;
  #since = 0;
  #hasPending = false;

  constructor(readonly onDelayMs = 0, readonly offDelayMs = 0) {}

  /** The condition as of `ts`; returns the change it makes, if any. */
  update(ts: number, condition: Level | "on" | undefined): AlarmChange | undefined {
    if (condition === this.active) {
      this.#hasPending = false;
      return undefined;
    }
    if (!this.#hasPending || this.#pending !== condition) {
      this.#pending = condition;
      this.#since = ts;
      this.#hasPending = true;
    }
    const delay = condition === undefined ? this.offDelayMs : this.onDelayMs;
    if (ts - this.#since < delay) return undefined;
    const change: AlarmChange = { ts, level: condition, was: this.active };
    this.active = condition;
    this.acknowledged = false;
    this.#hasPending = false;
    return change;
  }

  /** The operator saw it: true when there was an active, unacknowledged condition. */
  acknowledge(): boolean {
    if (this.active === undefined || this.acknowledged) return false;
    this.acknowledged = true;
    return true;
  }
}
