import type { ErrorInfo } from "../model/errors.ts";
import { ActorEntry, RestartPolicy } from "./actor_entry.ts";
import type { BackoffOptions } from "./backoff.ts";
import { commandFailed, PendingCommands } from "./commands.ts";
import { beforeDeadline } from "./deadline.ts";
import { sleep } from "./kit/sleep.ts";
import { type Logger, logger, type LogLevel } from "./log.ts";
import type {
  ActorSpec,
  ActorState,
  Command,
  CommandResult,
  FromActor,
  ToActor,
} from "./messages.ts";
import { workerOf } from "./placement.ts";
import type { Router } from "./router.ts";
import { type ActorStatus, statusOf } from "./status.ts";
import { type WorkerOptions, WorkerSlot } from "./worker_slot.ts";
import { producesSamples, takesSamples } from "./messages.ts";
import type { WriteOutcome, WriteRequest } from "./writes.ts";

export type { ActorStatus };

/** An actor as other parts of the runtime look it up. */
export interface ActorInfo {
  id: string;
  kind: string;
  role: ActorSpec["role"];
  state: ActorState;
  reason?: string;
  /** The source id its batches carry (devices). */
  source: number;
}

/** How the supervisor runs actors. */
export interface SupervisorOptions {
  /** The worker entry that hosts the actor kinds (it holds the registry). */
  workerUrl: URL;
  /** How long a worker may hold batches to send several in one message (0: never). */
  coalesceMs?: number;
  /** Delay before restarting a failed actor, growing per failure up to a cap. */
  restart: BackoffOptions;
  /** An actor that ran this long before failing restarts with the initial delay again. */
  stableMs: number;
  logLevel: LogLevel;
}

/**
 * Runs the actors: places them in workers (one each unless a placement key groups them), starts
 * them in order, restarts a failed actor with backoff — or a failed worker with the actors it
 * hosted — routes commands to them, and stops everything in order. The pieces it orchestrates:
 * ActorEntry (state machine, restart policy, counters), WorkerSlot (a worker and its ports),
 * PendingCommands, and the status view.
 */
export class Supervisor {
  #entries = new Map<string, ActorEntry>();
  #slots = new Map<string, WorkerSlot>();
  #stopping = false;
  #commands = new PendingCommands();
  /** Takes a worker's CPU profile (see cpu_profile.ts), by its placement key. */
  onProfile?: (worker: string, profile: unknown) => void;
  /** Carries out writes that actors submit (the MQTT sink's command topics); see Control. */
  onSubmit?: (write: WriteRequest) => Promise<WriteOutcome>;
  #log: Logger = logger({ component: "supervisor" });
  readonly #workerOptions: WorkerOptions;
  #nextSource = 0;

  constructor(
    specs: ActorSpec[],
    private readonly router: Router,
    private readonly opts: SupervisorOptions,
  ) {
    this.#workerOptions = {
      workerUrl: opts.workerUrl,
      coalesceMs: opts.coalesceMs ?? 0,
      logLevel: opts.logLevel,
    };
    for (const spec of specs) this.#place(spec, workerOf(spec));
  }

  /** The specs of the actors it runs, in config order. */
  specs(): ActorSpec[] {
    return [...this.#entries.values()].map((e) => e.spec);
  }

  /**
   * Adds an actor (a config reload), not started yet (see `launch`): in the worker its placement
   * names when that worker may host it (Deno fixes a worker's permissions at its start), else in a
   * worker of its own.
   */
  add(spec: ActorSpec): void {
    if (this.#entries.has(spec.id)) throw new Error(`Cannot add ${spec.id}: it exists`);
    let key = workerOf(spec);
    for (let n = 2; !(this.#slots.get(key)?.covers(spec.permissions) ?? true); n++) {
      key = `${workerOf(spec)}+${n}`;
    }
    this.#place(spec, key);
  }

  /** Starts an actor that `add` placed. */
  launch(id: string): void {
    const e = this.#entries.get(id);
    if (e && !e.live && !this.#stopping) this.#spawn(e);
  }

  /** Tells a running device (or transform) where its batches go now, after new routes. */
  retarget(id: string): void {
    const e = this.#entries.get(id);
    if (!e) return;
    const targets = this.router.targets(e.source);
    this.#slots.get(e.slot)!.post({ type: "route", source: e.source, targets });
  }

  /**
   * Stops an actor for good and forgets it (a config reload removed or changed it). A sink (or
   * transform) keeps its queues upstream for its successor with `keepQueues`; otherwise it is sent
   * what they hold, stores it, and stops. A worker left with no actor sends what it queued and
   * ends. False when the actor did not stop within the timeout.
   */
  async remove(id: string, keepQueues: boolean, timeoutMs: number): Promise<boolean> {
    const e = this.#entries.get(id);
    if (!e) return true;
    const deadline = Date.now() + timeoutMs;
    const slot = this.#slots.get(e.slot)!;
    clearTimeout(e.restartTimer);
    e.removing = true;
    const ended = this.#whenEnded(e);
    const takes = takesSamples(e.spec.role);
    if (takes && keepQueues) this.router.finishSink(id);
    else if (takes) this.router.removeSink(id);
    else if (e.live) slot.post({ type: "stop", id });
    // A sink stores what its input brought, then may wait for its database: after half the time
    // it is told to stop (what it did not send stays in its disk buffer).
    let inTime = !takes || await beforeDeadline(ended, Date.now() + timeoutMs / 2);
    if (!inTime && e.live) slot.post({ type: "stop", id });
    inTime = await beforeDeadline(ended, deadline);
    if (e.live) {
      this.#log("warn", "actor did not stop in time for the reload", { actor: id });
      this.#end(e, "stopped", "removed");
    }
    slot.entries.splice(slot.entries.indexOf(e), 1);
    this.#entries.delete(id);
    if (producesSamples(e.spec.role)) this.router.unregisterSource(e.source);
    if (slot.entries.length === 0) {
      await beforeDeadline(this.router.drain([slot.key], []), deadline);
      slot.close();
      this.#slots.delete(slot.key);
    }
    return inTime;
  }

  #place(spec: ActorSpec, key: string): void {
    let slot = this.#slots.get(key);
    if (!slot) this.#slots.set(key, slot = new WorkerSlot(key, this.router, this.#workerOptions));
    const source = this.#nextSource++;
    const policy = new RestartPolicy(this.opts.restart, this.opts.stableMs);
    const entry = new ActorEntry(spec, source, key, policy);
    slot.entries.push(entry);
    this.#entries.set(spec.id, entry);
    if (producesSamples(spec.role)) this.router.registerSource(spec.id, source, key);
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
      await sleep(20);
    }
    if (this.#stopping) return;
    for (const role of ["sink", "transform", "device"] as const) {
      this.#byRole(role).forEach((e) => this.#spawn(e));
    }
  }

  /** An actor's id, kind, role, state and source id (a device's batches carry it). */
  actor(id: string): ActorInfo | undefined {
    const e = this.#entries.get(id);
    return e &&
      {
        id: e.id,
        kind: e.spec.kind,
        role: e.spec.role,
        state: e.state,
        reason: e.reason,
        source: e.source,
      };
  }

  /** Every actor as `actor()` gives it, in config order. */
  actors(): ActorInfo[] {
    return [...this.#entries.keys()].map((id) => this.actor(id)!);
  }

  /**
   * Stops one actor and starts it again, its neighbours untouched: a device or simulator is told
   * to stop; a sink's input ends after the batches in flight (its queue waits for the new run).
   * A failed actor waiting for its restart starts at once. Resolves once it was started again.
   */
  async restart(
    id: string,
    timeoutMs = 30_000,
  ): Promise<{ ok: true } | { ok: false; message: string }> {
    const e = this.#entries.get(id);
    if (!e) return { ok: false, message: `Cannot restart ${id}: no such actor` };
    if (this.#stopping) {
      return { ok: false, message: `Cannot restart ${id}: the gateway is stopping` };
    }
    if (!e.live) {
      if (e.state !== "failed") {
        return { ok: false, message: `Cannot restart ${id}: it is ${e.state}` };
      }
      clearTimeout(e.restartTimer);
      this.#spawn(e);
      return { ok: true };
    }
    e.restarting = true;
    const ended = this.#whenEnded(e);
    if (e.spec.role === "sink") this.router.finishSink(id);
    else this.#slots.get(e.slot)!.post({ type: "stop", id });
    if (!await beforeDeadline(ended, Date.now() + timeoutMs)) {
      e.restarting = false;
      return { ok: false, message: `Cannot restart ${id}: it did not stop within ${timeoutMs} ms` };
    }
    return { ok: true };
  }

  /** State and counters of every actor. */
  status(): ActorStatus[] {
    return [...this.statuses()];
  }

  /** State and counters of every actor, each made as it is read (see jsonArrayBody). */
  *statuses(): IterableIterator<ActorStatus> {
    for (const e of this.#entries.values()) yield statusOf(e, this.router);
  }

  /** Sends a command to an actor and waits for its answer (at most timeoutMs). */
  command(id: string, command: Command, timeoutMs = 10_000): Promise<CommandResult> {
    const e = this.#entries.get(id);
    if (!e) {
      return Promise.resolve(
        commandFailed("rejected", `Cannot run ${command.op}: no actor "${id}"`),
      );
    }
    const slot = this.#slots.get(e.slot)!;
    if (!e.live || !slot.worker) {
      return Promise.resolve(
        commandFailed(
          "connection_failed",
          `Cannot run ${command.op} on ${id}: actor is ${e.state}`,
        ),
      );
    }
    return this.#commands.send(id, command, timeoutMs, (request) => {
      slot.post({ type: "command", id, request, command } satisfies ToActor);
    });
  }

  /**
   * Stops devices, has their workers send what they queued, lets transforms finish and sinks drain
   * their input, then
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
    const slotsOf = (role: ActorSpec["role"]) =>
      [...this.#slots.values()].filter((s) => s.entries.some((e) => e.spec.role === role));
    // Then the transforms: what the devices sent reaches them, they finish; then the sinks take
    // what the devices and transforms sent.
    const transforms = this.#byRole("transform");
    const transformsDone = await beforeDeadline(
      this.router.drain(slotsOf("device").map((s) => s.key), transforms.map((e) => e.id))
        .then(() => Promise.all(transforms.map((e) => this.#whenEnded(e)))),
      deadline,
    );
    const steps = [
      devicesStopped,
      transformsDone,
      await beforeDeadline(this.router.drain(), deadline),
      await beforeDeadline(
        Promise.all(this.#byRole("sink").map((e) => this.#whenEnded(e))),
        deadline,
      ),
    ];
    await beforeDeadline(stopped("simulator"), Math.max(deadline, Date.now() + 1000));
    for (const e of this.#entries.values()) {
      if (!e.live) continue;
      this.#log("warn", "actor terminated at shutdown deadline", { actor: e.id });
      this.#end(e, "stopped", "terminated at shutdown deadline");
    }
    for (const slot of this.#slots.values()) slot.close();
    return steps.every(Boolean);
  }

  #byRole(role: ActorSpec["role"]): ActorEntry[] {
    return [...this.#entries.values()].filter((e) => e.spec.role === role);
  }

  #spawn(e: ActorEntry): void {
    const slot = this.#slots.get(e.slot)!;
    slot.open(
      (msg) => this.#onMessage(slot, msg),
      (message) => this.#failWorker(slot, { code: "crashed", stage: "worker", message }),
    );
    e.begin();
    this.#logState(e);
    slot.start(e);
  }

  #onMessage(slot: WorkerSlot, msg: FromActor): void {
    if (msg.type === "counters") {
      msg.table.ids.forEach((id, row) => {
        const e = this.#entries.get(id);
        if (e?.live) e.counters.report(msg.table, row);
      });
      return this.router.report(slot.key, msg.links, msg.depth ?? 0);
    }
    if (msg.type === "tags") return this.router.onTags(msg.frame);
    if (msg.type === "latest_table" || msg.type === "latest_text") {
      return this.router.latest.take(msg);
    }
    if (msg.type === "drained") return this.router.drained(slot.key);
    if (msg.type === "profile") return this.onProfile?.(slot.key, msg.profile);
    if (msg.type === "failed" && msg.id === undefined) return this.#failWorker(slot, msg.error);
    const e = this.#entries.get(msg.id!);
    if (!e || e.slot !== slot.key) return;
    switch (msg.type) {
      case "state":
        if (e.live && e.transition(msg.state, msg.reason)) this.#logState(e);
        return;
      case "result":
        return this.#commands.answer(msg.request, msg.result);
      case "submit":
        return void this.#submit(slot, msg.id, msg.request, msg.write);
      case "failed":
        return this.#fail(e, msg.error);
      case "stopped":
        if (!e.live) return;
        e.counters.final(msg.counters);
        if (e.removing) {
          this.#end(e, "stopped", "removed");
          return e.whenEnded?.();
        }
        if (e.restarting && !this.#stopping) {
          e.restarting = false;
          this.#end(e, "stopped", "restarting on request");
          e.whenEnded?.();
          return this.#spawn(e);
        }
        if (!this.#stopping) {
          return this.#fail(e, {
            code: "crashed",
            stage: "run",
            message: "exited without being asked to",
          });
        }
        // The worker's links stay: its queues are sent and the links ended when the router drains.
        this.#end(e, "stopped");
        e.whenEnded?.();
    }
  }

  async #submit(slot: WorkerSlot, id: string, request: number, write: WriteRequest) {
    const outcome: WriteOutcome = this.onSubmit ? await this.onSubmit(write) : {
      ok: false,
      device: write.device,
      tag: write.tag,
      refusal: "forbidden",
      message: `Cannot write ${write.device}.${write.tag}: this gateway takes no commands`,
      duration_ms: 0,
    };
    slot.post({ type: "submitted", id, request, outcome });
  }

  #failWorker(slot: WorkerSlot, error: ErrorInfo): void {
    slot.close();
    for (const e of slot.entries) if (e.live) this.#fail(e, error);
  }

  #fail(e: ActorEntry, error: ErrorInfo): void {
    if (!e.live) return;
    if (takesSamples(e.spec.role)) this.router.detachSink(e.id);
    e.fail(error);
    this.#ended(e);
    if (this.#stopping || e.removing) return e.whenEnded?.();
    const wait = e.restartDelay();
    this.#log("info", "actor restart scheduled", { actor: e.id, in_ms: wait });
    e.restartTimer = setTimeout(() => {
      if (this.#stopping) return;
      e.restarts++;
      this.#spawn(e);
    }, wait);
  }

  /** Ends an actor's run, keeping its counters in the totals; answers its pending commands. */
  #end(e: ActorEntry, state: "stopped" | "failed", reason?: string): void {
    e.end(state, reason);
    this.#ended(e);
  }

  #ended(e: ActorEntry): void {
    this.#logState(e);
    this.#commands.actorEnded(e.id, e.state);
  }

  #stopEntry(e: ActorEntry): Promise<void> {
    const slot = this.#slots.get(e.slot)!;
    if (!e.live || !slot.worker) return Promise.resolve();
    const done = this.#whenEnded(e);
    slot.post({ type: "stop", id: e.id });
    return done;
  }

  #whenEnded(e: ActorEntry): Promise<void> {
    if (!e.live) return Promise.resolve();
    return new Promise((resolve) => e.whenEnded = resolve);
  }

  #logState(e: ActorEntry): void {
    const state: ActorState = e.state;
    const level = state === "failed" ? "error" : state === "degraded" ? "warn" : "info";
    this.#log(level, `actor ${state}`, {
      actor: e.id,
      kind: e.spec.kind,
      ...(e.reason ? { reason: e.reason } : {}),
    });
  }
}
