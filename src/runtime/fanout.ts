import { cloneBatch, type SampleBatch } from "../model/batch.ts";
import type { TagMeta } from "../model/tag.ts";
import { type BatchSender, batchSender, TagCatalog, type TagsFrame } from "./frames.ts";
import { Outbox, type SinkQueue } from "./outbox.ts";
import { Receipts } from "./receipts.ts";
import { untilWoken } from "./wake.ts";
import type { Port } from "./local_port.ts";

/** Where one source's batches go: a sink (or transform) and its queue settings. */
export interface Target {
  id: string;
  queue: SinkQueue;
}

/** A link's figures, as the worker reports them: [depth, samples, dropped, lost batches]. */
export type LinkFigures = [number, number, number, number];

interface Link {
  outbox: Outbox;
  sender?: BatchSender;
  /** Batches that were in flight to the sink's worker when it went away. */
  lost: number;
}

/** What a fanout tells its worker's host. */
export interface FanoutHooks {
  /** A source registered tags (for the main thread's catalog). */
  onTags(frame: TagsFrame): void;
  /** A batch was taken, before its buffer is handed on (for the latest-value table). */
  onBatch(batch: SampleBatch): void;
  /** A receipt is settled: positive when stored, negated when lost with a sink's worker. */
  onReceipt(receipt: number): void;
}

/**
 * Moves the batches of a worker's devices and transforms straight to the workers of the sinks
 * (and transforms) they are routed to, over one port per sink that the supervisor hands out: no
 * hop through the main thread. Each sink has a bounded queue here, in samples, whose policy says
 * what a full one does: `block` holds the sources back (a batch is taken only once every `block`
 * queue it goes to has room), `drop_oldest` drops and counts. The queues outlive a sink worker's
 * restart; a batch with a receipt is settled once every sink it went to acked it.
 */
export class Fanout {
  readonly catalog = new TagCatalog();
  /** Sources whose tags are made again when a sink needs them, instead of kept (see register). */
  readonly #remake = new Map<number, () => TagMeta[]>();
  readonly #receipts = new Receipts();
  #links = new Map<string, Link>();
  #targets = new Map<number, { ids: string[]; links: Link[] }>();
  #room: (() => void)[] = [];
  #ended = false;

  /**
   * @param coalesceMs how long a link may hold batches to send several in one message (0: never);
   *   links attached later take a new value
   */
  constructor(private readonly hooks: FanoutHooks, public coalesceMs = 0) {}

  /** Says where a source's batches go (when its actor starts). */
  route(source: number, targets: readonly Target[]): void {
    const links = targets.map((t) => this.#link(t.id, t.queue));
    this.#targets.set(source, { ids: targets.map((t) => t.id), links });
  }

  /**
   * Registers tags of a source with the main thread and every sink the source goes to. With
   * `remake` (a source's whole tag list, from its config), the tags are not kept: a sink attached
   * later gets them from `remake` (a thousand devices of 20 tags would keep 20,000 objects).
   */
  registerTags(frame: TagsFrame, remake?: () => TagMeta[]): void {
    if (remake) this.#remake.set(frame.source, remake);
    else this.catalog.add(frame);
    this.hooks.onTags(frame);
    for (const link of this.#targets.get(frame.source)?.links ?? []) link.sender?.control(frame);
  }

  /** The tags of a source as one frame, for a sink attached later. */
  #frame(source: number): TagsFrame | undefined {
    const remake = this.#remake.get(source);
    return remake ? { type: "tags", source, first: 0, tags: remake() } : this.catalog.frame(source);
  }

  /** True when a batch of this source would be taken now. */
  ready(source: number): boolean {
    return (this.#targets.get(source)?.links ?? []).every((l) =>
      l.outbox.length === 0 || l.outbox.samples < l.outbox.maxSamples ||
      l.outbox.whenFull === "drop_oldest"
    );
  }

  /** Takes a batch if every queue it goes to takes it without waiting; false (nothing taken) otherwise. */
  tryPush(batch: SampleBatch): boolean {
    if (this.#ended) throw new Error("Cannot send: the worker's output ended");
    const links = this.#targets.get(batch.source)?.links ?? [];
    for (const l of links) if (!l.outbox.takes(batch)) return false;
    this.hooks.onBatch(batch);
    if (links.length === 0) {
      if (batch.receipt !== undefined) this.hooks.onReceipt(batch.receipt); // stored nowhere: settled
      return true;
    }
    const copies = links.map((_, i) => i === links.length - 1 ? batch : cloneBatch(batch));
    if (batch.receipt !== undefined) {
      this.#receipts.track(batch.receipt, copies, (r) => this.hooks.onReceipt(r));
    }
    for (let i = 0; i < links.length; i++) links[i].outbox.tryPush(copies[i]);
    return true;
  }

  /** Takes a batch, waiting for room in its `block` queues. */
  async push(batch: SampleBatch, signal?: AbortSignal): Promise<void> {
    while (!this.tryPush(batch)) await this.#roomMade(signal);
  }

  /** Starts sending a sink's queue on a port to its worker (again, after a restart). */
  attach(id: string, port: Port, capacity: number, queue: SinkQueue): void {
    const link = this.#link(id, queue);
    this.detach(id);
    const sender = batchSender(port, capacity, this.coalesceMs);
    link.sender = sender;
    for (const [source, t] of this.#targets) {
      const frame = t.ids.includes(id) ? this.#frame(source) : undefined;
      if (frame) sender.control(frame);
    }
    let watching = false;
    const pump = () => {
      let sent = false;
      while (
        link.sender === sender && !sender.finished && link.outbox.length > 0 && sender.credit > 0
      ) {
        const batch = link.outbox.shift()!;
        sender.trySend(batch);
        this.#receipts.sent(id, batch);
        sent = true;
      }
      if (sent) this.#wake();
      // Credit is read when needed; only a queue waiting for it or a receipt waiting for the
      // sink's ack makes this thread wait for the sink to ack.
      if (watching || link.sender !== sender) return;
      if (link.outbox.length === 0 && !this.#receipts.awaiting(id)) return;
      watching = true;
      sender.whenAcked().then(() => {
        watching = false;
        pump();
      }, () => {}); // closed: detach() counted what was in flight
    };
    sender.onCredit = (n) => this.#receipts.acked(id, n);
    link.outbox.onPush = pump;
    pump();
  }

  /** The sink's worker went away: what was in flight to it is lost (receipts say so). */
  detach(id: string): void {
    const link = this.#links.get(id);
    const sender = link?.sender;
    if (!sender) return;
    link.sender = undefined;
    link.outbox.onPush = undefined;
    link.lost += sender.inFlight; // after the acks made before it went (onCredit settles them)
    this.#receipts.lost(id);
    sender.close();
  }

  /** Ends a sink's input after what is in flight (it is restarting); its queue waits here. */
  finish(id: string): void {
    const link = this.#links.get(id);
    if (!link) return;
    link.outbox.onPush = undefined;
    link.sender?.finish();
  }

  /**
   * The sink was removed (no source goes to it any more): sends what its queue holds, then ends
   * its input and forgets it. A queue whose sink is not attached is dropped, counted.
   */
  async close(id: string): Promise<void> {
    const link = this.#links.get(id);
    if (!link) return;
    if (link.sender) await link.outbox.whenEmpty();
    for (let b = link.outbox.shift(); b; b = link.outbox.shift()) this.#receipts.dropped(b);
    link.outbox.onPush = undefined;
    link.sender?.end();
    link.sender = undefined;
    this.#links.delete(id);
  }

  /**
   * At shutdown, once the worker's sources stopped: sends what every queue holds, then ends each
   * sink's input. Resolves when all is sent (a queue whose sink never comes back keeps it waiting:
   * the supervisor's deadline ends that).
   */
  async end(): Promise<void> {
    this.#ended = true;
    await Promise.all([...this.#links.values()].map((l) => l.outbox.whenEmpty()));
    for (const link of this.#links.values()) {
      link.outbox.onPush = undefined;
      link.sender?.end();
      link.sender = undefined;
    }
  }

  /** Figures of each sink's queue here: batches waiting or in flight, samples, dropped, lost. */
  figures(): Record<string, LinkFigures> {
    const out: Record<string, LinkFigures> = {};
    for (const [id, l] of this.#links) {
      out[id] = [
        l.outbox.length + (l.sender?.inFlight ?? 0),
        l.outbox.samples,
        l.outbox.dropped,
        l.lost,
      ];
    }
    return out;
  }

  /** Batches waiting in this worker's queues. */
  get depth(): number {
    let n = 0;
    for (const l of this.#links.values()) n += l.outbox.length;
    return n;
  }

  #link(id: string, queue: SinkQueue): Link {
    let link = this.#links.get(id);
    if (!link) {
      const outbox = new Outbox(queue.maxSamples, queue.whenFull);
      outbox.onDrop = (batch) => this.#receipts.dropped(batch);
      this.#links.set(id, link = { outbox, lost: 0 });
    }
    return link;
  }

  #wake(): void {
    for (const wake of this.#room.splice(0)) wake();
  }

  #roomMade(signal?: AbortSignal): Promise<void> {
    return untilWoken((wake) => this.#room.push(wake), signal);
  }
}
