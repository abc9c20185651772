import { type ActorPermissions, unionOf } from "./kit/permissions.ts";
import type { ActorEntry } from "./actor_entry.ts";
import type { LogLevel } from "./log.ts";
import { type FromActor, producesSamples, takesSamples, type ToActor } from "./messages.ts";
import type { Router } from "./router.ts";

/** What a worker is started with. */
export interface WorkerOptions {
  /** The worker entry that hosts the actor kinds (it holds the registry). */
  workerUrl: URL;
  /** How long a worker may hold batches to send several in one message (0: never). */
  coalesceMs: number;
  logLevel: LogLevel;
}

/**
 * A worker and the actors placed in it. The router hands it its ports: one to each sink (or
 * transform) its devices are routed to, and one from each worker feeding a sink it hosts.
 */
export class WorkerSlot {
  worker?: Worker;
  readonly entries: ActorEntry[] = [];
  /** What the running worker was granted (Deno fixes a worker's permissions when it starts). */
  #granted?: Deno.PermissionOptions;

  constructor(
    readonly key: string,
    private readonly router: Router,
    private readonly opts: WorkerOptions,
  ) {}

  /** The slot's worker, started with its device channel if it has none. */
  open(onMessage: (msg: FromActor) => void, onError: (message: string) => void): Worker {
    if (this.worker) return this.worker;
    this.#granted = this.#permissions();
    const worker = new Worker(this.opts.workerUrl, {
      type: "module",
      name: this.key,
      deno: { permissions: this.#granted },
    });
    this.worker = worker;
    if (this.entries.some((e) => producesSamples(e.spec.role))) {
      this.post({ type: "output", coalesceMs: this.opts.coalesceMs });
      this.router.attachUpstream(this.key, (msg, transfer) => this.post(msg, transfer));
    }
    // Messages of a worker that was replaced (after it failed) are not this slot's any more.
    worker.onmessage = (ev: MessageEvent<FromActor>) => {
      if (this.worker === worker) onMessage(ev.data);
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      if (this.worker === worker) onError(ev.message);
    };
    return worker;
  }

  /**
   * The worker's permissions: the union of what its actors reach (hosts, paths, system info),
   * with the environment (the libraries read settings from it; the config's secrets were taken
   * out of it at load) and nothing else. "inherit" when an actor declares nothing (test kinds).
   */
  #permissions(): Deno.PermissionOptions {
    const specs = this.entries.map((e) => e.spec);
    if (specs.some((s) => !s.permissions)) return "inherit";
    const p = unionOf(specs.map((s) => s.permissions!));
    const list = (xs: string[]) => xs.length > 0 ? xs : false;
    return {
      net: list(p.net),
      read: list(p.read),
      write: list(p.write),
      env: true,
      sys: profiling(p.sys),
      run: false,
      ffi: false,
      import: false,
    };
  }

  /**
   * True when an actor with these permissions may join the running worker (or there is none yet:
   * a worker starts with what its actors need).
   */
  covers(p: ActorPermissions | undefined): boolean {
    const g = this.#granted;
    if (!this.worker || g === undefined || g === "inherit") return true;
    if (!p || typeof g !== "object") return false;
    const has = (granted: unknown, want: string[]) =>
      want.length === 0 || granted === true ||
      (Array.isArray(granted) && want.every((x) => granted.includes(x)));
    return has(g.net, p.net) && has(g.read, p.read) && has(g.write, p.write) &&
      (!p.sys || g.sys === true);
  }

  /** Starts an actor in the worker; a sink then gets a port from each worker feeding it. */
  start(e: ActorEntry): void {
    this.post({
      type: "start",
      spec: e.spec,
      source: e.source,
      targets: producesSamples(e.spec.role) ? this.router.targets(e.source) : [],
      logLevel: this.opts.logLevel,
    });
    if (takesSamples(e.spec.role)) {
      this.router.attachSink(e.id, (msg, transfer) => this.post(msg, transfer), this.key);
    }
  }

  post(msg: ToActor, transfer: Transferable[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  /** Terminates the worker; the sinks it fed close its ports (true when it had a worker). */
  close(): boolean {
    if (!this.worker) return false;
    this.worker.terminate();
    this.worker = undefined;
    this.router.detachUpstream(this.key);
    return true;
  }
}

/** A worker's sys permission: all or none, or only the inspector when a bench asked for CPU profiles. */
function profiling(sys: boolean | undefined): boolean | string[] {
  if (sys || !Deno.env.get("TAGFLOW_CPU_PROFILE_MS")) return sys ?? false;
  return ["inspector"];
}
