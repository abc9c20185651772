import type { Judged } from "./verdict.ts";

/**
 * How a sink's storing is judged: degraded once `degradedAfter` writes in a row failed, or
 * while its oldest record not yet stored is older than `lagAlarmMs`, connected or not; running
 * again once a write succeeds and the backlog is younger. The age in the reason moves in
 * doublings (60 s, 120 s, 240 s…) so a growing lag does not log a change every second.
 */
export class SinkRules {
  /** Writes in a row that failed. */
  consecutive = 0;
  /** The age of the oldest record not yet stored, in ms, as last probed. */
  lag = 0;
  #lastError: string | undefined;
  #shownLag = 0;

  constructor(private readonly degradedAfter: number, private readonly lagAlarmMs: number) {}

  wrote(): void {
    this.consecutive = 0;
    this.#lastError = undefined;
  }

  failed(reason: string): void {
    this.consecutive++;
    this.#lastError = reason;
  }

  judge(): Judged {
    const failing = this.consecutive >= this.degradedAfter;
    const late = this.lag > this.lagAlarmMs;
    if (!late) this.#shownLag = 0;
    else if (this.lag >= 2 * this.#shownLag) this.#shownLag = this.lag;
    if (!failing && !late) return { state: "running" };
    const age = late ? `oldest record not stored for ${Math.round(this.#shownLag / 1000)} s` : "";
    if (failing) {
      const writes = `writes keep failing: ${this.#lastError}`;
      return { state: "degraded", reason: age ? `${writes}; ${age}` : writes };
    }
    const last = this.#lastError ? `; last error: ${this.#lastError}` : "";
    return { state: "degraded", reason: `${age} (lag_alarm_ms ${this.lagAlarmMs})${last}` };
  }
}
