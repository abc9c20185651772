import { unionOf } from "./kit/permissions.ts";
import type { ActorEntry } from "./actor_entry.ts";
import type { LogLevel } from "./log.ts";
import { type FromActor, producesSamples, takesSamples, type ToActor } from "./messages.ts";
import type { Router } from "./router.ts";

/** What a worker is started with. */
export interface WorkerOptions {
  /** The worker entry that hosts the actor kinds (it holds the registry). */
  workerUrl: URL;
  /** Capacity in batches of each device's channel to the router. */
  channelCapacity: number;
  /** How long a worker may hold batches to send several in one message (0: never). */
  coalesceMs: number;
  logLevel: LogLevel;
}

/**
 * A worker and the actors placed in it, and the ports between it and the router: one channel for
 * all of its devices' batches (a port costs memory and a message loop), and one per sink.
 */
export class WorkerSlot {
  worker?: Worker;
  readonly entries: ActorEntry[] = [];

  constructor(
    readonly key: string,
    private readonly router: Router,
    private readonly opts: WorkerOptions,
  ) {}

  /** The slot's worker, started with its device channel if it has none. */
  open(onMessage: (msg: FromActor) => void, onError: (message: string) => void): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.opts.workerUrl, {
      type: "module",
      name: this.key,
      deno: { permissions: this.#permissions() },
    });
    this.worker = worker;
    const devices = this.entries.filter((e) => producesSamples(e.spec.role)).length;
    if (devices > 0) {
      const capacity = Math.min(4096, this.opts.channelCapacity * devices);
      const ch = new MessageChannel();
      this.router.attachOutput(this.key, ch.port2, capacity);
      this.post(
        { type: "output", port: ch.port1, capacity, coalesceMs: this.opts.coalesceMs },
        [ch.port1],
      );
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
      sys: p.sys ?? false,
      run: false,
      ffi: false,
      import: false,
    };
  }

  /** Starts an actor in the worker; a sink gets its own channel from the router. */
  start(e: ActorEntry): void {
    let port: MessagePort | undefined;
    let capacity = this.opts.channelCapacity;
    if (takesSamples(e.spec.role)) {
      const ch = new MessageChannel();
      this.router.attachSink(e.id, ch.port2);
      port = ch.port1;
      capacity = this.router.window;
    }
    this.post({
      type: "start",
      spec: e.spec,
      source: e.source,
      port,
      capacity,
      logLevel: this.opts.logLevel,
    }, port ? [port] : []);
  }

  post(msg: ToActor, transfer: Transferable[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  /** Terminates the worker; its device channel leaves the router (true when it had a worker). */
  close(): boolean {
    if (!this.worker) return false;
    this.worker.terminate();
    this.worker = undefined;
    this.router.detachOutput(this.key);
    return true;
  }
}
