/** A state an actor reports, with why. */
export interface Judged {
  state: "running" | "degraded";
  reason?: string;
}

/**
 * An actor's state from two views: its connection (what the driver reports through setState)
 * and its data (what the health rules judge from outcomes). Degraded if either is; the
 * connection's reason comes first, since a lost peer explains the data. Posts only changes, and
 * nothing before the connection's first report (the actor is still starting).
 */
export class Verdict {
  #connection: Judged | undefined;
  #data: Judged = { state: "running" };
  #posted: Judged | undefined;

  constructor(private readonly post: (state: Judged["state"], reason?: string) => void) {}

  connection(state: Judged["state"], reason?: string): void {
    this.#connection = { state, reason };
    this.#decide();
  }

  data(state: Judged["state"], reason?: string): void {
    if (this.#data.state === state && this.#data.reason === reason) return;
    this.#data = { state, reason };
    this.#decide();
  }

  /** What was last posted (undefined before the first connection report). */
  get current(): Judged | undefined {
    return this.#posted;
  }

  #decide(): void {
    const c = this.#connection;
    if (!c) return;
    const d = this.#data;
    const next: Judged = c.state === "degraded"
      ? { state: "degraded", reason: c.reason }
      : d.state === "degraded"
      ? d
      : { state: "running", reason: d.reason ?? c.reason };
    if (this.#posted?.state === next.state && this.#posted.reason === next.reason) return;
    this.#posted = next;
    this.post(next.state, next.reason);
  }
}
