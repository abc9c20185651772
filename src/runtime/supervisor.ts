import type { ErrorInfo } from "../model/errors.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { type Logger, logger, type LogLevel } from "./log.ts";
import type { ActorSpec, ActorState, Counters, FromActor, ToActor } from "./messages.ts";
import { zeroCounters } from "./messages.ts";
import type { Router } from "./router.ts";

/** How the supervisor runs actors. */
export interface SupervisorOptions {
  /** The worker entry that hosts the actor kinds (it holds the registry). */
  workerUrl: URL;
  /** Capacity in batches of each device's channel to the router. */
  channelCapacity: number;
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
  worker?: Worker;
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
  stopped?: () => void;
}

/** Spawns one worker per actor, restarts failed ones with backoff, and stops them in order. */
export class Supervisor {
  #entries = new Map<string, Entry>();
  #stopping = false;
  #log: Logger = logger({ component: "supervisor" });

  constructor(
    specs: ActorSpec[],
    private readonly router: Router,
    private readonly opts: SupervisorOptions,
  ) {
    specs.forEach((spec, i) => {
      this.#entries.set(spec.id, {
        spec,
        source: i,
        state: "stopped",
        since: Date.now(),
        startedAt: 0,
        restarts: 0,
        backoff: new Backoff(opts.restart),
        base: zeroCounters(),
        current: zeroCounters(),
      });
    });
  }

  /**
   * Starts every actor: simulators first (waiting up to `simulatorWaitMs` for them to run, so
   * devices do not begin with a failed connection), then sinks, then devices.
   */
  async start(simulatorWaitMs = 5000): Promise<void> {
    const entries = [...this.#entries.values()];
    const sims = entries.filter((e) => e.spec.role === "simulator");
    sims.forEach((e) => this.#spawn(e));
    const deadline = Date.now() + simulatorWaitMs;
    while (sims.some((e) => e.state === "starting") && Date.now() < deadline && !this.#stopping) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (this.#stopping) return;
    for (const role of ["sink", "device"]) {
      for (const e of entries) if (e.spec.role === role) this.#spawn(e);
    }
  }

  /** State and counters of every actor. */
  status(): ActorStatus[] {
    return [...this.#entries.values()].map((e) => {
      const counters = { ...e.base, queue_depth: 0 } as ActorStatus["counters"];
      for (const [k, v] of Object.entries(e.current)) counters[k] = (counters[k] ?? 0) + v;
      if (e.spec.role === "device") counters.queue_depth = this.router.sourceDepth(e.spec.id);
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

  /**
   * Stops devices, lets the router forward what it holds, lets sinks drain their input, then
   * stops simulators. Whatever is still running at the deadline is terminated. Returns true when
   * everything finished in time.
   */
  async stop(deadlineMs: number): Promise<boolean> {
    this.#stopping = true;
    const deadline = Date.now() + deadlineMs;
    const byRole = (role: string) =>
      [...this.#entries.values()].filter((e) => e.spec.role === role);
    for (const e of this.#entries.values()) clearTimeout(e.restartTimer);
    const stopped = (role: string) => Promise.all(byRole(role).map((e) => this.#stopEntry(e)));
    // Each step gets what is left of the deadline; a late step does not skip the next.
    const steps = [
      await beforeDeadline(stopped("device"), deadline),
      await beforeDeadline(this.router.drain(), deadline),
      await beforeDeadline(Promise.all(byRole("sink").map((e) => this.#whenStopped(e))), deadline),
    ];
    await beforeDeadline(stopped("simulator"), Math.max(deadline, Date.now() + 1000));
    for (const e of this.#entries.values()) {
      if (e.worker) {
        this.#log("warn", "actor terminated at shutdown deadline", { actor: e.spec.id });
        this.#terminate(e);
        this.#setState(e, "stopped", "terminated at shutdown deadline");
      }
    }
    return steps.every(Boolean);
  }

  #spawn(e: Entry): void {
    const worker = new Worker(this.opts.workerUrl, { type: "module", name: e.spec.id });
    e.worker = worker;
    e.startedAt = Date.now();
    e.current = zeroCounters();
    this.#setState(e, "starting");
    worker.onmessage = (ev: MessageEvent<FromActor>) => this.#onMessage(e, worker, ev.data);
    worker.onerror = (ev) => {
      ev.preventDefault();
      this.#fail(e, worker, { code: "crashed", stage: "worker", message: ev.message });
    };
    let port: MessagePort | undefined;
    let capacity = this.opts.channelCapacity;
    if (e.spec.role === "device") {
      const ch = new MessageChannel();
      this.router.attachSource(e.spec.id, e.source, ch.port2, capacity);
      port = ch.port1;
    } else if (e.spec.role === "sink") {
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

  #onMessage(e: Entry, worker: Worker, msg: FromActor): void {
    if (worker !== e.worker) return;
    switch (msg.type) {
      case "state":
        return this.#setState(e, msg.state, msg.reason);
      case "counters":
        e.current = msg.counters;
        return;
      case "failed":
        return this.#fail(e, worker, msg.error);
      case "stopped":
        e.current = msg.counters;
        if (!this.#stopping) {
          return this.#fail(e, worker, {
            code: "crashed",
            stage: "run",
            message: "exited without being asked to",
          });
        }
        // The worker closes itself. A device's channel stays attached: its last batches and the
        // end marker may still be on the way, and the router takes them before draining.
        this.#release(e);
        this.#setState(e, "stopped");
        e.stopped?.();
    }
  }

  #fail(e: Entry, worker: Worker, error: ErrorInfo): void {
    if (worker !== e.worker) return;
    this.#terminate(e);
    e.base.errors++;
    this.#setState(e, "failed", `${error.code} in ${error.stage}: ${error.message}`);
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

  /** Kills an actor's worker and cuts its channels (what was in flight there is lost). */
  #terminate(e: Entry): void {
    e.worker?.terminate();
    this.#release(e);
    if (e.spec.role === "device") this.router.detachSource(e.spec.id);
    if (e.spec.role === "sink") this.router.detachSink(e.spec.id);
  }

  /** Forgets an actor's worker, keeping its counters in the running totals. */
  #release(e: Entry): void {
    e.worker = undefined;
    for (const [k, v] of Object.entries(e.current)) e.base[k] = (e.base[k] ?? 0) + v;
    e.current = zeroCounters();
  }

  #stopEntry(e: Entry): Promise<void> {
    if (!e.worker) return Promise.resolve();
    const done = this.#whenStopped(e);
    e.worker.postMessage({ type: "stop" } satisfies ToActor);
    return done;
  }

  #whenStopped(e: Entry): Promise<void> {
    if (!e.worker) return Promise.resolve();
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

/** Waits for the promise until the deadline; true if it settled in time. */
async function beforeDeadline(p: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) =>
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))
  );
  try {
    return await Promise.race([p.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
