import { cloneBatch } from "../model/batch.ts";
import {
  type BatchReceiver,
  batchReceiver,
  type BatchSender,
  batchSender,
  TagCatalog,
  type TagsFrame,
} from "./frames.ts";
import { LatestValues } from "./latest.ts";
import { Outbox, type WhenFull } from "./outbox.ts";
import { Receipts } from "./receipts.ts";

/** The queue settings of one sink. */
export interface SinkQueue {
  maxSamples: number;
  whenFull: WhenFull;
}

interface SinkLink {
  outbox: Outbox;
  sender?: BatchSender;
  /** Batches that were in flight to a sink worker when it went away. */
  lostBatches: number;
}

interface OutputLink {
  receiver: BatchReceiver;
  done: Promise<void>;
}

/**
 * Moves batches from the device channels (one per worker, shared by the devices it hosts) to sink
 * queues by the route of each batch's source, in the main thread. A batch is acked only once
 * every routed sink queue took it, so a full `block` queue holds the devices back; a
 * `drop_oldest` queue never does.
 */
export class Router {
  readonly catalog = new TagCatalog();
  /** The latest sample of every tag that passed, for the API's tag lists. */
  readonly latest = new LatestValues();
  readonly #receipts = new Receipts();
  #sinks = new Map<string, SinkLink>();
  #outputs = new Map<string, OutputLink>();
  #sourceDevice = new Map<number, string>();
  #targets = new Map<number, SinkLink[]>();

  /**
   * @param routes sink ids per device id
   * @param queues queue settings per sink id
   * @param window batches in flight from the router to a sink worker
   */
  constructor(
    private readonly routes: ReadonlyMap<string, readonly string[]>,
    queues: ReadonlyMap<string, SinkQueue>,
    readonly window: number,
  ) {
    for (const [id, q] of queues) {
      const outbox = new Outbox(q.maxSamples, q.whenFull);
      outbox.onDrop = (batch) => this.#receipts.dropped(batch);
      this.#sinks.set(id, { outbox, lostBatches: 0 });
    }
  }

  /** Names the device whose batches carry this source id. */
  registerSource(device: string, source: number): void {
    this.#sourceDevice.set(source, device);
    this.#targets.set(source, (this.routes.get(device) ?? []).map((id) => this.#sink(id)));
  }

  /** Starts taking batches from a worker's device channel. */
  attachOutput(key: string, port: MessagePort, capacity: number): void {
    this.detachOutput(key);
    // Credit goes back a quarter of the window at a time, not after every batch: the window is
    // wide (channel_capacity per device) and a message back per batch would double the traffic.
    const receiver = batchReceiver(port, capacity, (frame) => this.#onTags(frame), false);
    const done = (async () => {
      for (
        let batch = receiver.tryNext() ?? await receiver.next();
        batch;
        batch = receiver.tryNext() ?? await receiver.next()
      ) {
        this.latest.update(batch); // before the batch's buffer is handed to a sink worker
        const targets = this.#targets.get(batch.source) ?? [];
        const copies = targets.map((_, i) => i === targets.length - 1 ? batch : cloneBatch(batch));
        if (batch.receipt !== undefined) {
          this.#receipts.track(batch.receipt, copies, (r) => receiver.reply(r));
        }
        for (let i = 0; i < targets.length; i++) {
          if (!targets[i].outbox.tryPush(copies[i])) await targets[i].outbox.push(copies[i]);
        }
        receiver.ack();
      }
    })();
    this.#outputs.set(key, { receiver, done });
  }

  /** Stops taking from a worker's device channel (the worker is gone). */
  detachOutput(key: string): void {
    this.#outputs.get(key)?.receiver.close();
    this.#outputs.delete(key);
  }

  /** Starts feeding a sink worker: replays the tag catalog, then sends queued batches. */
  attachSink(id: string, port: MessagePort): void {
    const link = this.#sink(id);
    this.detachSink(id);
    const sender = batchSender(port, this.window);
    link.sender = sender;
    for (const frame of this.catalog.frames()) {
      if (this.#routed(frame.source, id)) sender.control(frame);
    }
    const pump = () => {
      while (
        link.sender === sender && !sender.finished && sender.credit > 0 && link.outbox.length > 0
      ) {
        const batch = link.outbox.shift()!;
        sender.trySend(batch);
        this.#receipts.sent(id, batch);
      }
    };
    sender.onCredit = (n) => {
      this.#receipts.acked(id, n);
      pump();
    };
    link.outbox.onPush = pump;
    pump();
  }

  /** Stops feeding a sink worker; its queue stays for the next attach. */
  detachSink(id: string): void {
    const link = this.#sink(id);
    if (!link.sender) return;
    link.lostBatches += link.sender.inFlight;
    this.#receipts.lost(id);
    link.outbox.onPush = undefined;
    link.sender.close();
    link.sender = undefined;
  }

  /**
   * Ends a sink's input after the batches in flight (its queue waits for the next attach), for a
   * restart: the sink drains what it has and returns; their credit still comes back.
   */
  finishSink(id: string): void {
    const link = this.#sink(id);
    link.outbox.onPush = undefined;
    link.sender?.finish();
  }

  /** Batches in a worker's device channel not yet routed. */
  outputDepth(key: string): number {
    return this.#outputs.get(key)?.receiver.depth ?? 0;
  }

  /** Queue figures of a sink: batches waiting or in flight, samples waiting, dropped, lost. */
  sinkQueue(id: string): { depth: number; samples: number; dropped: number; lost_batches: number } {
    const link = this.#sink(id);
    return {
      depth: link.outbox.length + (link.sender?.inFlight ?? 0),
      samples: link.outbox.samples,
      dropped: link.outbox.dropped,
      lost_batches: link.lostBatches,
    };
  }

  /**
   * Waits for the given workers' channels to end (all by default) and the given queues to empty
   * (all sinks and transforms by default), then ends those inputs: at shutdown, the devices'
   * channels into the transforms first, then everything into the sinks.
   */
  async drain(outputs?: string[], sinks?: string[]): Promise<void> {
    const links = sinks ? sinks.map((id) => this.#sink(id)) : [...this.#sinks.values()];
    const channels = outputs
      ? outputs.flatMap((k) => this.#outputs.get(k) ?? [])
      : [...this.#outputs.values()];
    await Promise.all(channels.map((s) => s.done));
    await Promise.all(links.map((s) => s.outbox.whenEmpty()));
    for (const link of links) {
      link.outbox.onPush = undefined;
      link.sender?.end();
      link.sender = undefined;
    }
  }

  #onTags(frame: TagsFrame): void {
    this.catalog.add(frame);
    for (const link of this.#targets.get(frame.source) ?? []) link.sender?.control(frame);
  }

  #routed(source: number, sink: string): boolean {
    const device = this.#sourceDevice.get(source);
    return device !== undefined && (this.routes.get(device) ?? []).includes(sink);
  }

  #sink(id: string): SinkLink {
    const link = this.#sinks.get(id);
    if (!link) throw new Error(`Cannot route to sink ${id}: it has no queue`);
    return link;
  }
}
