import type { LinkFigures, Target } from "./fanout.ts";
import type { TagsFrame } from "./frames.ts";
import { TagTable } from "./tag_table.ts";
import { LatestValues } from "./latest.ts";
import type { ToActor } from "./messages.ts";
import type { SinkQueue } from "./outbox.ts";

export type { SinkQueue };

/** Posts to a worker. */
type Post = (msg: ToActor, transfer?: Transferable[]) => void;

interface Upstream {
  post: Post;
  /** Sinks this worker has a port to. */
  linked: Set<string>;
  figures: Record<string, LinkFigures>;
  depth: number;
  drained?: Promise<void>;
  onDrained?: () => void;
}

/**
 * The routing table, in the main thread: which sources go to which sinks (and transforms), and
 * the ports between their workers. Batches never pass through here: each worker with sources
 * gets a port to the worker of each sink its sources are routed to (see Fanout and MergedInput),
 * and tells this thread only what is rare — tag registrations, the shared tables of its latest
 * values, its queues' figures four times a second.
 */
export class Router {
  readonly catalog = new TagTable();
  /** The latest sample of every tag that passed, for the API's tag lists. */
  readonly latest = new LatestValues();
  #sourceDevice = new Map<number, string>();
  #sourceSlot = new Map<number, string>();
  #feeding?: Map<string, string[]>;
  #upstream = new Map<string, Upstream>();
  #sinks = new Map<string, Post>();
  /** The worker each running sink is in. */
  #sinkSlot = new Map<string, string>();
  /** Figures of workers that went away, kept in the sinks' totals. */
  #retired = new Map<string, LinkFigures>();

  /**
   * @param routes sink (and transform) ids per source id
   * @param queues queue settings per sink id
   * @param window batches in flight on each port from a worker to a sink
   */
  constructor(
    private routes: ReadonlyMap<string, readonly string[]>,
    private queues: ReadonlyMap<string, SinkQueue>,
    readonly window: number,
  ) {}

  /**
   * New routes and sink queues (a config reload): the running sources' workers get ports to the
   * sinks they now feed; the supervisor tells each source its new targets (see `targets`).
   */
  update(
    routes: ReadonlyMap<string, readonly string[]>,
    queues: ReadonlyMap<string, SinkQueue>,
  ): void {
    this.routes = routes;
    this.queues = queues;
    this.#feeding = undefined;
    for (const key of this.#upstream.keys()) {
      for (const id of this.#sinks.keys()) this.#connect(key, id);
    }
  }

  /** The routes in force: sink (and transform) ids per source id. */
  routesInForce(): ReadonlyMap<string, readonly string[]> {
    return this.routes;
  }

  /** A device (or transform) was removed: its batches are no longer routed, its tags forgotten. */
  unregisterSource(source: number): void {
    this.#sourceDevice.delete(source);
    this.#sourceSlot.delete(source);
    this.#feeding = undefined;
    this.catalog.forget(source);
    this.latest.forget(source);
  }

  /**
   * A sink (or transform) was removed: every worker sends what it queued for it and ends its
   * link; the sink stores what it got (its disk buffer keeps what it could not send) and stops.
   */
  removeSink(id: string): void {
    const post = this.#sinks.get(id);
    this.#sinks.delete(id);
    this.#sinkSlot.delete(id);
    for (const up of this.#upstream.values()) {
      // Also where no port is open (the sink was down): what waits for it is dropped, counted.
      up.linked.delete(id);
      up.post({ type: "close_link", sink: id });
      delete up.figures[id];
    }
    this.#retired.delete(id);
    post?.({ type: "end_input", id });
  }

  /** Names the device (or transform) whose batches carry this source id, and its worker. */
  registerSource(device: string, source: number, slot = `actor:${device}`): void {
    this.#sourceDevice.set(source, device);
    this.#sourceSlot.set(source, slot);
    this.#feeding = undefined;
    for (const id of this.routes.get(device) ?? []) this.#queue(id);
  }

  /** Where a source's batches go, with each sink's queue settings shared among its senders. */
  targets(source: number): Target[] {
    const device = this.#sourceDevice.get(source);
    const ids = device === undefined ? [] : this.routes.get(device) ?? [];
    return ids.map((id) => ({ id, queue: this.#share(id) }));
  }

  /** A worker with sources started: it gets a port to every running sink its sources go to. */
  attachUpstream(key: string, post: Post): void {
    this.detachUpstream(key);
    this.#upstream.set(key, { post, linked: new Set(), figures: {}, depth: 0 });
    for (const id of this.#sinks.keys()) this.#connect(key, id);
  }

  /** A worker with sources went away: the sinks close its ports; what it held is counted lost. */
  detachUpstream(key: string): void {
    const up = this.#upstream.get(key);
    if (!up) return;
    this.#upstream.delete(key);
    for (const [id, f] of Object.entries(up.figures)) {
      const r = this.#retired.get(id) ?? [0, 0, 0, 0];
      this.#retired.set(id, [0, 0, r[2] + f[2], r[3] + f[3] + f[0]]);
    }
    for (const id of up.linked) this.#sinks.get(id)?.({ type: "drop_input", id, from: key });
    up.onDrained?.();
  }

  /**
   * A sink (or transform) started in worker `slot`: every worker with sources for it gets a port
   * (that worker itself a local one).
   */
  attachSink(id: string, post: Post, slot?: string): void {
    this.#sinks.set(id, post);
    if (slot === undefined) this.#sinkSlot.delete(id);
    else this.#sinkSlot.set(id, slot);
    for (const key of this.#upstream.keys()) this.#connect(key, id);
  }

  /** A sink's worker went away: what was in flight to it is lost; its queues wait upstream. */
  detachSink(id: string): void {
    if (!this.#sinks.delete(id)) return;
    this.#sinkSlot.delete(id);
    for (const up of this.#upstream.values()) {
      if (up.linked.delete(id)) up.post({ type: "unlink", sink: id });
    }
  }

  /**
   * Ends a sink's input after the batches in flight, for a restart: the sink drains what it has
   * and returns; its queues wait upstream for the next attach.
   */
  finishSink(id: string): void {
    const post = this.#sinks.get(id);
    if (!post) return;
    this.#sinks.delete(id);
    this.#sinkSlot.delete(id);
    for (const up of this.#upstream.values()) {
      if (up.linked.delete(id)) up.post({ type: "pause_link", sink: id });
    }
    post({ type: "end_input", id });
  }

  /** A worker's report: its queues' figures by sink, and the batches waiting in them. */
  report(key: string, figures: Record<string, LinkFigures> | undefined, depth: number): void {
    const up = this.#upstream.get(key);
    if (!up || !figures) return;
    up.figures = figures;
    up.depth = depth;
  }

  /** A worker's message about tags or latest values. */
  onTags(frame: TagsFrame): void {
    this.catalog.add(frame);
  }

  /** A worker sent what it queued and ended its links. */
  drained(key: string): void {
    this.#upstream.get(key)?.onDrained?.();
  }

  /** Batches waiting in a worker's queues. */
  outputDepth(key: string): number {
    return this.#upstream.get(key)?.depth ?? 0;
  }

  /** Queue figures of a sink over every sending worker: batches waiting or in flight, samples, dropped, lost. */
  sinkQueue(id: string): { depth: number; samples: number; dropped: number; lost_batches: number } {
    const sum: LinkFigures = [...(this.#retired.get(id) ?? [0, 0, 0, 0])];
    for (const up of this.#upstream.values()) {
      const f = up.figures[id];
      if (f) { for (let i = 0; i < 4; i++) sum[i] += f[i]; }
    }
    return { depth: sum[0], samples: sum[1], dropped: sum[2], lost_batches: sum[3] };
  }

  /**
   * Has the given workers (all with sources by default) send what they queued and end their
   * links, then ends the given sinks' inputs (all by default): at shutdown, the devices' workers
   * into the transforms first, then everything into the sinks.
   */
  async drain(outputs?: string[], sinks?: string[]): Promise<void> {
    const keys = outputs ?? [...this.#upstream.keys()];
    await Promise.all(keys.map((key) => {
      const up = this.#upstream.get(key);
      if (!up) return;
      if (!up.drained) {
        up.drained = new Promise<void>((resolve) => up.onDrained = resolve);
        up.post({ type: "end_output" });
      }
      return up.drained;
    }));
    for (const id of sinks ?? [...this.#sinks.keys()]) {
      this.#sinks.get(id)?.({ type: "end_input", id });
    }
  }

  #connect(key: string, id: string): void {
    const up = this.#upstream.get(key)!;
    const post = this.#sinks.get(id)!;
    if (up.linked.has(id) || up.drained || !this.#slotsFeeding(id).includes(key)) return;
    up.linked.add(id);
    const capacity = this.window, queue = this.#share(id);
    if (this.#sinkSlot.get(id) === key) {
      return up.post({ type: "local_link", sink: id, from: key, capacity, queue });
    }
    const ch = new MessageChannel();
    up.post(
      { type: "link", sink: id, port: ch.port1, capacity, queue },
      [ch.port1],
    );
    post({ type: "input", id, from: key, port: ch.port2 }, [ch.port2]);
  }

  /** The workers whose sources are routed to a sink. */
  #slotsFeeding(id: string): string[] {
    if (!this.#feeding) {
      const feeding = new Map<string, Set<string>>();
      for (const [source, device] of this.#sourceDevice) {
        for (const sink of this.routes.get(device) ?? []) {
          let slots = feeding.get(sink);
          if (!slots) feeding.set(sink, slots = new Set());
          slots.add(this.#sourceSlot.get(source)!);
        }
      }
      this.#feeding = new Map([...feeding].map(([k, v]) => [k, [...v]]));
    }
    return this.#feeding.get(id) ?? [];
  }

  /** A sink's queue settings for one of the workers feeding it: its share of the samples. */
  #share(id: string): SinkQueue {
    const q = this.#queue(id);
    const senders = Math.max(1, this.#slotsFeeding(id).length);
    return { ...q, maxSamples: Math.max(1, Math.floor(q.maxSamples / senders)) };
  }

  #queue(id: string): SinkQueue {
    const q = this.queues.get(id);
    if (!q) throw new Error(`Cannot route to sink ${id}: it has no queue`);
    return q;
  }
}
