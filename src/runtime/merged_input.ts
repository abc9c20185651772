import type { SampleBatch } from "../model/batch.ts";
import { AckCounter } from "./ack_counter.ts";
import { WIRE, type Wire } from "./channel_wire.ts";
import type { TagsFrame } from "./frames.ts";
import { untilWoken } from "./wake.ts";
import type { Port } from "./local_port.ts";

/** What a sink or transform takes its batches from. */
export interface SampleInput {
  /** The next batch, waiting for one; undefined once the input ended and all were taken. */
  next(signal?: AbortSignal): Promise<SampleBatch | undefined>;
  /** Marks the n oldest taken batches done (stored), which returns their credit. */
  ack(n?: number): void;
}

interface Inlet {
  port: Port;
  ended: boolean;
  closed: boolean;
  /** Where acks return the sender's credit (the port's first message brings it). */
  acks?: AckCounter;
}

/**
 * A sink's (or transform's) input: batches from every worker whose sources are routed to it, each
 * over a port of its own, taken in arrival order. Each port's sender holds `capacity` credits and
 * gets them back as the batches it sent are acked (through shared memory, see AckCounter), so
 * nothing here grows past the sum of the capacities. The input ends once it was told no more ports
 * come and every port has ended or gone.
 */
export class MergedInput implements SampleInput {
  #queue: { batch: SampleBatch; from: Inlet }[] = [];
  #head = 0;
  #taken: Inlet[] = [];
  #takenHead = 0;
  #inlets = new Map<string, Inlet>();
  #ending = false;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(private readonly onTags: (frame: TagsFrame) => void) {}

  /** Adds the port of an upstream worker (replacing its earlier one). */
  add(key: string, port: Port): void {
    this.drop(key);
    if (this.#closed) return port.close();
    const inlet: Inlet = { port, ended: false, closed: false };
    this.#inlets.set(key, inlet);
    port.onmessage = (e: MessageEvent<Wire<SampleBatch, TagsFrame>>) => this.#onWire(inlet, e.data);
  }

  /** An upstream worker went away: its port closes (batches already here are still taken). */
  drop(key: string): void {
    const inlet = this.#inlets.get(key);
    if (!inlet) return;
    this.#inlets.delete(key);
    this.#close(inlet);
    this.#notify();
  }

  /** No more ports come: the input ends once every port it has ended. */
  end(): void {
    this.#ending = true;
    this.#notify();
  }

  /** Batches received and not yet acked. */
  get depth(): number {
    return this.#queue.length - this.#head + this.#taken.length - this.#takenHead;
  }

  get #queued(): number {
    return this.#queue.length - this.#head;
  }

  get #ended(): boolean {
    if (this.#closed) return true;
    if (!this.#ending) return false;
    for (const inlet of this.#inlets.values()) if (!inlet.ended) return false;
    return true;
  }

  async next(signal?: AbortSignal): Promise<SampleBatch | undefined> {
    while (this.#queued === 0) {
      if (this.#ended) return undefined;
      await untilWoken((wake) => this.#wake = wake, signal);
    }
    return this.tryNext();
  }

  /** Takes the next batch if one is here. */
  tryNext(): SampleBatch | undefined {
    if (this.#queued === 0) return undefined;
    const { batch, from } = this.#queue[this.#head];
    this.#queue[this.#head++] = undefined as never;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#taken.push(from);
    return batch;
  }

  ack(n = 1): void {
    const taken = this.#taken.length - this.#takenHead;
    if (n > taken) throw new RangeError(`Cannot ack ${n}: only ${taken} taken and unacked`);
    for (let i = 0; i < n; i++) {
      const inlet = this.#taken[this.#takenHead];
      this.#taken[this.#takenHead++] = undefined as never;
      // Credit still goes back after the end (a sender that finished waits for it), not after close.
      if (!inlet.closed) inlet.acks?.add(1);
    }
    if (this.#takenHead > 1024 && this.#takenHead * 2 > this.#taken.length) {
      this.#taken = this.#taken.slice(this.#takenHead);
      this.#takenHead = 0;
    }
  }

  /** Stops taking: every port closes. */
  close(): void {
    this.#closed = true;
    for (const inlet of this.#inlets.values()) this.#close(inlet);
    this.#inlets.clear();
    this.#notify();
  }

  #close(inlet: Inlet): void {
    inlet.closed = true;
    inlet.ended = true;
    inlet.port.onmessage = null;
    inlet.port.close();
  }

  #onWire(inlet: Inlet, msg: Wire<SampleBatch, TagsFrame>): void {
    if (msg.t === WIRE.item) {
      this.#queue.push({ batch: msg.v, from: inlet });
    } else if (msg.t === WIRE.items) {
      for (const batch of msg.v) this.#queue.push({ batch, from: inlet });
    } else if (msg.t === WIRE.control) {
      return this.onTags(msg.v);
    } else if (msg.t === WIRE.end) {
      inlet.ended = true;
    } else {
      if (msg.t === WIRE.acks) inlet.acks = new AckCounter(msg.v);
      return;
    }
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
