import type { ErrorInfo } from "../model/errors.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { type CounterTable, unpackRow } from "./counter_table.ts";
import { addCounters, type Counters, zeroCounters } from "./counters.ts";
import type { ActorSpec, ActorState } from "./messages.ts";

/** Which states may follow each state. An actor starts `stopped` (not started yet). */
const NEXT: Readonly<Record<ActorState, readonly ActorState[]>> = {
  stopped: ["starting"],
  starting: ["running", "degraded", "failed", "stopped"],
  running: ["degraded", "failed", "stopped"],
  degraded: ["running", "failed", "stopped"],
  failed: ["starting"],
};

/** When a failed actor starts again: a growing, jittered delay, back to the first after a good run. */
export class RestartPolicy {
  readonly #backoff: Backoff;
  constructor(options: BackoffOptions, private readonly stableMs: number) {
    this.#backoff = new Backoff(options);
  }

  /** The delay before restarting an actor that ran `ranMs` before it failed. */
  delay(ranMs: number): number {
    if (ranMs >= this.stableMs) this.#backoff.reset();
    return this.#backoff.next();
  }
}

/** An actor's counters across its runs: totals survive restarts. */
export class CounterTotals {
  /** Counters of earlier runs. */
  #base = zeroCounters();
  #current = zeroCounters();
  /** The latest report of this run, unpacked only when someone reads it. */
  #packed?: { table: CounterTable; row: number };

  /** A report from the worker (a row of its counter table). */
  report(table: CounterTable, row: number): void {
    this.#packed = { table, row };
  }

  /** The final counters of this run, as the worker sent them when the actor stopped. */
  final(counters: Counters): void {
    this.#current = counters;
    this.#packed = undefined;
  }

  /** Ends the current run: its counters join the totals. */
  endRun(): void {
    addCounters(this.#base, this.#run());
    this.#current = zeroCounters();
    this.#packed = undefined;
  }

  /** Counts a failure of the actor itself (not reported by its worker). */
  failure(): void {
    this.#base.errors++;
  }

  /** Totals over every run, the current one included. */
  total(): Counters {
    return addCounters({ ...this.#base }, this.#run());
  }

  // Unpacked again at each read, not kept: a kept copy per actor, replaced by every read of the
  // API, was half a megabyte of garbage a request at 1,000 devices, old by the next one.
  #run(): Counters {
    return this.#packed ? unpackRow(this.#packed.table, this.#packed.row) : this.#current;
  }
}

/**
 * One actor as the supervisor tracks it: its spec, its lifecycle state (changes checked against
 * the table above), whether it is live in a worker, its restarts and counters.
 */
export class ActorEntry {
  state: ActorState = "stopped";
  reason?: string;
  since = Date.now();
  /** The actor has been started in its worker and has not ended. */
  live = false;
  startedAt = 0;
  restarts = 0;
  /** The delay before the latest scheduled restart. */
  backoffMs?: number;
  restartTimer?: ReturnType<typeof setTimeout>;
  readonly counters = new CounterTotals();
  /** Resolves a stop() waiting for this actor to end. */
  whenEnded?: () => void;
  /** Asked to stop so that it starts again (a restart on request). */
  restarting = false;
  /** Asked to stop for good: a config reload removed or changed it. */
  removing = false;

  constructor(
    readonly spec: ActorSpec,
    /** The source id of the batches a device sends. */
    readonly source: number,
    /** The worker slot key it runs in. */
    readonly slot: string,
    readonly restart: RestartPolicy,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  /**
   * Moves to `state` with `reason`; false when nothing changed. Throws on a change the table does
   * not allow: that is a bug in the supervisor, not something an actor can cause.
   */
  transition(state: ActorState, reason?: string): boolean {
    if (this.state === state && this.reason === reason) return false;
    if (this.state !== state && !NEXT[this.state].includes(state)) {
      throw new Error(`Actor ${this.id}: no transition from ${this.state} to ${state}`);
    }
    this.state = state;
    this.reason = reason;
    this.since = Date.now();
    return true;
  }

  /** Starts a run: live, fresh counters for it, state `starting`. */
  begin(): void {
    this.live = true;
    this.startedAt = Date.now();
    this.transition("starting");
  }

  /** Ends the run in `state` (stopped or failed); its counters join the totals. */
  end(state: "stopped" | "failed", reason?: string): void {
    this.live = false;
    this.counters.endRun();
    this.transition(state, reason);
  }

  /** Ends the run as failed with the error, counted. */
  fail(error: ErrorInfo): void {
    this.counters.failure();
    this.end("failed", `${error.code} in ${error.stage}: ${error.message}`);
  }

  /** The delay before restarting after a failure, by the restart policy. */
  restartDelay(): number {
    return this.backoffMs = this.restart.delay(Date.now() - this.startedAt);
  }
}
