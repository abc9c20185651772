import type { ActorContext } from "../actor.ts";
import { Backoff, type BackoffOptions } from "../backoff.ts";
import { sleep, untilWoken } from "./sleep.ts";

/** How a driver opens and closes one connection to its peer; the link owns the retries. */
export interface Connector<C> {
  /**
   * Opens a connection. It calls `lost(reason)` when the connection goes by itself (calls for a
   * connection the link no longer holds are ignored). Throws, with a message an operator can act
   * on, when the attempt fails, having closed whatever it had opened.
   */
  open(lost: (reason: string) => void, signal: AbortSignal): Promise<C>;
  /** Closes a connection that was lost or dropped, or, with `stopping`, one at shutdown. */
  close(conn: C, stopping: boolean): Promise<void> | void;
}

/** What the link tells the driver besides the actor's state. */
export interface LinkHooks<C> {
  /** A connection is up (before the actor is reported running). */
  up?(conn: C): void;
  /**
   * Called once per outage, with why: when a connection was lost, or when the first attempt
   * failed; not again for every failed retry. Drivers mark their tags bad here, or on their next
   * read by `outages` (the bad-quality-once rule: say once that a value is bad, never leave the
   * last good one standing).
   */
  down?(reason: string): void;
}

/**
 * One connection kept to a peer: opens it, reports the actor `running` while it is up and
 * `degraded` with the reason while it is not, and after every loss or failed attempt opens it
 * again after a jittered exponential backoff, until the signal aborts. Counts `errors` (failed
 * attempts) and `reconnects` (connections lost after they were up).
 */
export class Link<C> {
  /** The live connection, if any. */
  current: C | undefined;
  /** Why there is no connection: "connecting" until the first attempt ends. */
  reason = "connecting";
  /**
   * How many outages began: counted the moment a connection is lost or, from the start or after a
   * loss, an attempt fails. A reader that remembers the count it last reported bad values for
   * reports them once per outage.
   */
  outages = 0;
  #down = false;
  #announced = 0;
  #attempted!: () => void;
  /** Resolves once the first attempt succeeded or failed. */
  readonly firstAttempt = new Promise<void>((resolve) => this.#attempted = resolve);
  #waiters: (() => void)[] = [];
  #drop: ((reason: string) => void) | undefined;
  readonly #backoff: Backoff;

  constructor(
    private readonly ctx: Pick<ActorContext, "setState" | "counters">,
    private readonly connector: Connector<C>,
    backoff: BackoffOptions,
    private readonly hooks: LinkHooks<C> = {},
  ) {
    this.#backoff = new Backoff(backoff);
  }

  /** Keeps the connection until the signal aborts; then closes it (`stopping`). */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let conn: C | undefined;
      let wasUp = false;
      let wake = () => {};
      const ended = new Promise<void>((resolve) => wake = resolve);
      let lostEarly: string | undefined;
      const drop = (reason: string) => {
        if (conn === undefined && !wasUp) lostEarly ??= reason; // lost while still opening
        if (conn === undefined || this.current !== conn) return;
        this.reason = reason;
        this.current = undefined;
        this.#outage();
        wake();
      };
      signal.addEventListener("abort", wake, { once: true });
      try {
        conn = await this.connector.open((reason) => drop(reason), signal);
        if (signal.aborted) break;
        if (lostEarly !== undefined) throw new Error(lostEarly);
        this.current = conn;
        this.#drop = drop;
        wasUp = true;
        this.#down = false;
        this.#backoff.reset();
        this.hooks.up?.(conn);
        this.ctx.setState("running");
        this.#attempted();
        for (const waiter of this.#waiters.splice(0)) waiter();
        await ended;
      } catch (err) {
        if (signal.aborted) break;
        this.reason = (err as Error)?.message ?? String(err);
        this.ctx.counters.errors++;
        this.#outage();
      } finally {
        signal.removeEventListener("abort", wake);
        this.#drop = undefined;
        if (this.current === conn) this.current = undefined;
        if (conn !== undefined) await this.connector.close(conn, signal.aborted);
      }
      if (signal.aborted) break;
      if (wasUp) this.ctx.counters.reconnects = (this.ctx.counters.reconnects ?? 0) + 1;
      this.ctx.setState("degraded", this.reason);
      if (this.#announced !== this.outages) {
        this.#announced = this.outages;
        this.hooks.down?.(this.reason);
      }
      this.#attempted();
      await sleep(this.#backoff.next(), signal);
    }
    this.#attempted();
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  #outage(): void {
    if (this.#down) return;
    this.#down = true;
    this.outages++;
  }

  /** Drops the live connection (a request found it dead); `run` opens a new one. */
  lost(reason: string): void {
    this.#drop?.(reason);
  }

  /** The live connection, waiting for the next one when there is none; undefined once stopped. */
  async connected(signal: AbortSignal): Promise<C | undefined> {
    while (!this.current && !signal.aborted) await untilWoken(this.#waiters, signal);
    return this.current;
  }
}
