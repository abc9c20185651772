import type { ErrorInfo } from "../model/errors.ts";
import { type CounterTable, unpackRow } from "./counter_table.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { type Logger, logger, type LogLevel } from "./log.ts";
import type {
  ActorSpec,
  ActorState,
  Command,
  CommandResult,
  Counters,
  FromActor,
  ToActor,
} from "./messages.ts";
import { zeroCounters } from "./messages.ts";
import type { Router } from "./router.ts";
import { addCounters } from "./counters.ts";
import { beforeDeadline } from "./deadline.ts";

/** How the supervisor runs actors. */
export interface SupervisorOptions {
  /** The worker entry that hosts the actor kinds (it holds the registry). */
  workerUrl: URL;
  /** Capacity in batches of each device's channel to the router. */
  channelCapacity: number;
  /** How long a worker may hold batches to send several in one message (0: never). */
  coalesceMs?: number;
  /** Delay before restarting a failed actor, growing per failure up to a cap. */
  restart: BackoffOptions;
  /** An actor that ran this long before failing restarts with the initial delay again. */
  stableMs: number;
  logLevel: LogLevel;
}

/** One actor as /api/actors shows it. */
export interface ActorStatus {
  id: string;
  kind: string;
  role: ActorSpec["role"];
  state: ActorState;
  reason?: string;
  since: string;
  restarts: number;
  /** The delay before the latest scheduled restart. */
  backoff_ms?: number;
  counters: Counters & { queue_depth: number };
}

interface Entry {
  spec: ActorSpec;
  source: number;
  slot: Slot;
  /** The actor has been started in its slot's worker and has not ended. */
  live: boolean;
  state: ActorState;
  reason?: string;
  since: number;
  startedAt: number;
  restarts: number;
  backoff: Backoff;
  backoffMs?: number;
  restartTimer?: ReturnType<typeof setTimeout>;
  /** Counters of earlier incarnations, so totals survive restarts. */
  base: Counters;
  current: Counters;
  /** The latest report, unpacked into `current` only when someone reads it. */
  packed?: { table: CounterTable; row: number };
  stopped?: () => void;
}

/** A worker and the actors placed in it. */
interface Slot {
  key: string;
  worker?: Worker;
  entries: Entry[];
}

/**
 * Places actors in workers (one each unless a placement key groups them), restarts a failed actor
 * with backoff — or a failed worker with the actors it hosted — and stops everything in order.
 */
export class Supervisor {
  #entries = new Map<string, Entry>();
  #slots = new Map<string, Slot>();
  #stopping = false;
  #requests = new Map<number, { id: string; resolve: (r: CommandResult) => void }>();
  #nextRequest = 1;
  #log: Logger = logger({ component: "supervisor" });

  constructor(
    specs: ActorSpec[],
    private readonly router: Router,
    private readonly opts: SupervisorOptions,
  ) {
    specs.forEach((spec, i) => {
      const key = spec.placement ?? `actor:${spec.id}`;
      let slot = this.#slots.get(key);
      if (!slot) this.#slots.set(key, slot = { key, entries: [] });
      const entry: Entry = {
        spec,
        source: i,
        slot,
        live: false,
        state: "stopped",
        since: Date.now(),
        startedAt: 0,
        restarts: 0,
        backoff: new Backoff(opts.restart),
        base: zeroCounters(),
        current: zeroCounters(),
      };
      slot.entries.push(entry);
      this.#entries.set(spec.id, entry);
      if (spec.role === "device") router.registerSource(spec.id, i);
    });
  }

  /**
   * Starts every actor: simulators first (waiting up to `simulatorWaitMs` for them to run, so
   * devices do not begin with a failed connection), then sinks, then devices.
   */
  async start(simulatorWaitMs = 5000): Promise<void> {
    const sims = this.#byRole("simulator");
    sims.forEach((e) => this.#spawn(e));
    const deadline = Date.now() + simulatorWaitMs;
    while (sims.some((e) => e.state === "starting") && Date.now() < deadline && !this.#stopping) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (this.#stopping) return;
    for (const role of ["sink", "device"] as const) {
      this.#byRole(role).forEach((e) => this.#spawn(e));
    }
  }

  /** State and counters of every actor. */
  status(): ActorStatus[] {
    return [...this.#entries.values()].map((e) => {
      const counters = {
        ...addCounters({ ...e.base }, currentOf(e)),
        queue_depth: 0,
      } as ActorStatus["counters"];
      if (e.spec.role === "device") counters.queue_depth = this.router.outputDepth(e.slot.key);
      if (e.spec.role === "sink") {
        const q = this.router.sinkQueue(e.spec.id);
        counters.queue_depth = q.depth;
        counters.queued_samples = q.samples;
        counters.dropped += q.dropped;
        counters.lost_batches = q.lost_batches;
      }
      const status: ActorStatus = {
        id: e.spec.id,
        kind: e.spec.kind,
        role: e.spec.role,
        state: e.state,
        since: new Date(e.since).toISOString(),
        restarts: e.restarts,
        counters,
      };
      if (e.reason) status.reason = e.reason;
      if (e.backoffMs !== undefined) status.backoff_ms = e.backoffMs;
      return status;
    });
  }

  /** Sends a command to an actor and waits for its answer (at most timeoutMs). */
  command(id: string, command: Command, timeoutMs = 10_000): Promise<CommandResult> {
    const e = this.#entries.get(id);
    const fail = (code: ErrorInfo["code"], message: string): CommandResult => ({
      ok: false,
      error: { code, stage: "command", message },
    });
    if (!e) return Promise.resolve(fail("rejected", `Cannot run ${command.op}: no actor "${id}"`));
    if (!e.live || !e.slot.worker) {
      return Promise.resolve(
        fail("connection_failed", `Cannot run ${command.op} on ${id}: actor is ${e.state}`),
      );
    }
    const request = this.#nextRequest++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#requests.delete(request);
        resolve(
          fail("timed_out", `Cannot run ${command.op} on ${id}: no answer within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#requests.set(request, {
        id,
        resolve: (r) => {
          clearTimeout(timer);
          this.#requests.delete(request);
          resolve(r);
        },
      });
      e.slot.worker!.postMessage({ type: "command", id, request, command } satisfies ToActor);
    });
  }

  /**
   * Stops devices, lets the router forward what it holds, lets sinks drain their input, then
   * stops simulators. Whatever is still running at the deadline is terminated. Returns true when
   * everything finished in time.
   */
  async stop(deadlineMs: number): Promise<boolean> {
    this.#stopping = true;
    const deadline = Date.now() + deadlineMs;
    for (const e of this.#entries.values()) clearTimeout(e.restartTimer);
    const stopped = (role: ActorSpec["role"]) =>
      Promise.all(this.#byRole(role).map((e) => this.#stopEntry(e)));
    // Each step gets what is left of the deadline; a late step does not skip the next.
    const devicesStopped = await beforeDeadline(stopped("device"), deadline);
    for (const slot of this.#slots.values()) {
      if (slot.worker && slot.entries.some((e) => e.spec.role === "device")) {
        slot.worker.postMessage({ type: "end_output" } satisfies ToActor);
      }
    }
    const steps = [
      devicesStopped,
      await beforeDeadline(this.router.drain(), deadline),
      await beforeDeadline(
        Promise.all(this.#byRole("sink").map((e) => this.#whenStopped(e))),
        deadline,
      ),
    ];
    await beforeDeadline(stopped("simulator"), Math.max(deadline, Date.now() + 1000));
    for (const e of this.#entries.values()) {
      if (!e.live) continue;
      this.#log("warn", "actor terminated at shutdown deadline", { actor: e.spec.id });
      this.#end(e, "stopped", "terminated at shutdown deadline");
    }
    for (const slot of this.#slots.values()) {
      slot.worker?.terminate();
      slot.worker = undefined;
    }
    return steps.every(Boolean);
  }

  #byRole(role: ActorSpec["role"]): Entry[] {
    return [...this.#entries.values()].filter((e) => e.spec.role === role);
  }

  #spawn(e: Entry): void {
    const worker = e.slot.worker ?? this.#startWorker(e.slot);
    e.live = true;
    e.startedAt = Date.now();
    e.current = zeroCounters();
    e.packed = undefined;
    this.#setState(e, "starting");
    let port: MessagePort | undefined;
    let capacity = this.opts.channelCapacity;
    if (e.spec.role === "sink") {
      const ch = new MessageChannel();
      this.router.attachSink(e.spec.id, ch.port2);
      port = ch.port1;
      capacity = this.router.window;
    }
    const start: ToActor = {
      type: "start",
      spec: e.spec,
      source: e.source,
      port,
      capacity,
      logLevel: this.opts.logLevel,
    };
    worker.postMessage(start, port ? [port] : []);
  }

  #startWorker(slot: Slot): Worker {
    const worker = new Worker(this.opts.workerUrl, { type: "module", name: slot.key });
    slot.worker = worker;
    const devices = slot.entries.filter((e) => e.spec.role === "device").length;
    if (devices > 0) {
      // One channel for all the devices of the worker: a port costs memory and a message loop.
      const capacity = Math.min(4096, this.opts.channelCapacity * devices);
      const ch = new MessageChannel();
      this.router.attachOutput(slot.key, ch.port2, capacity);
      const coalesceMs = this.opts.coalesceMs ?? 0;
      worker.postMessage(
        { type: "output", port: ch.port1, capacity, coalesceMs } satisfies ToActor,
        [ch.port1],
      );
    }
    worker.onmessage = (ev: MessageEvent<FromActor>) => {
      if (slot.worker === worker) this.#onMessage(slot, ev.data);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      if (slot.worker === worker) {
        this.#failWorker(slot, { code: "crashed", stage: "worker", message: ev.message });
      }
    };
    return worker;
  }

  #onMessage(slot: Slot, msg: FromActor): void {
    if (msg.type === "counters") {
      msg.table.ids.forEach((id, row) => {
        const e = this.#entries.get(id);
        if (e?.live) e.packed = { table: msg.table, row };
      });
      return;
    }
    if (msg.type === "failed" && msg.id === undefined) return this.#failWorker(slot, msg.error);
    const e = this.#entries.get(msg.id!);
    if (!e || e.slot !== slot) return;
    switch (msg.type) {
      case "state":
        if (e.live) this.#setState(e, msg.state, msg.reason);
        return;
      case "result":
        return this.#requests.get(msg.request)?.resolve(msg.result);
      case "failed":
        return this.#fail(e, msg.error);
      case "stopped":
        if (!e.live) return;
        e.current = msg.counters;
        e.packed = undefined;
        if (!this.#stopping) {
          return this.#fail(e, {
            code: "crashed",
            stage: "run",
            message: "exited without being asked to",
          });
        }
        // The worker's device channel stays: its last batches may still be on the way, and the
        // router takes them before draining.
        this.#end(e, "stopped");
        e.stopped?.();
    }
  }

  #failWorker(slot: Slot, error: ErrorInfo): void {
    slot.worker?.terminate();
    slot.worker = undefined;
    this.router.detachOutput(slot.key);
    for (const e of slot.entries) if (e.live) this.#fail(e, error);
  }

  #fail(e: Entry, error: ErrorInfo): void {
    if (!e.live) return;
    if (e.spec.role === "sink") this.router.detachSink(e.spec.id);
    e.base.errors++;
    this.#end(e, "failed", `${error.code} in ${error.stage}: ${error.message}`);
    if (this.#stopping) return e.stopped?.();
    if (Date.now() - e.startedAt >= this.opts.stableMs) e.backoff.reset();
    const wait = e.backoffMs = e.backoff.next();
    this.#log("info", "actor restart scheduled", { actor: e.spec.id, in_ms: wait });
    e.restartTimer = setTimeout(() => {
      if (this.#stopping) return;
      e.restarts++;
      this.#spawn(e);
    }, wait);
  }

  /** Marks an actor as ended, keeping its counters in the running totals; answers its pending commands. */
  #end(e: Entry, state: ActorState, reason?: string): void {
    e.live = false;
    addCounters(e.base, currentOf(e));
    e.current = zeroCounters();
    this.#setState(e, state, reason);
    for (const r of [...this.#requests.values()]) {
      if (r.id !== e.spec.id) continue;
      r.resolve({
        ok: false,
        error: { code: "connection_lost", stage: "command", message: `${e.spec.id} ${state}` },
      });
    }
  }

  #stopEntry(e: Entry): Promise<void> {
    if (!e.live || !e.slot.worker) return Promise.resolve();
    const done = this.#whenStopped(e);
    e.slot.worker.postMessage({ type: "stop", id: e.spec.id } satisfies ToActor);
    return done;
  }

  #whenStopped(e: Entry): Promise<void> {
    if (!e.live) return Promise.resolve();
    return new Promise((resolve) => e.stopped = resolve);
  }

  #setState(e: Entry, state: ActorState, reason?: string): void {
    if (e.state === state && e.reason === reason) return;
    e.state = state;
    e.reason = reason;
    e.since = Date.now();
    const level = state === "failed" ? "error" : state === "degraded" ? "warn" : "info";
    this.#log(level, `actor ${state}`, {
      actor: e.spec.id,
      kind: e.spec.kind,
      ...(reason ? { reason } : {}),
    });
  }
}

/** An actor's counters of its current run, unpacking the latest report if not done yet. */
function currentOf(e: Entry): Counters {
  if (e.packed) {
    e.current = unpackRow(e.packed.table, e.packed.row);
    e.packed = undefined;
  }
  return e.current;
}
