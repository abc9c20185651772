/**
 * A bounded, credit-based channel over a MessagePort: point to point between any two threads (or
 * over a local pair between two actors of one thread, see localPorts).
 *
 * The sender holds `capacity` credits; each data item costs one and is returned once the consumer
 * acks it. So the receiver never holds more than `capacity` unacked items, and a sender without
 * credit waits (send) or is told no (trySend). Control messages (tag registrations) cost no credit
 * and are handed to `onControl` on arrival, in order with data.
 *
 * Credit comes back through shared memory, not messages (see AckCounter): the receiver counts its
 * acks there, and the sender reads the count when it needs credit, so a consumer that keeps up
 * sends nothing back and wakes no one.
 */
import { AckCounter } from "./ack_counter.ts";
import { Coalescer } from "./coalescer.ts";
import { WIRE, type Wire } from "./channel_wire.ts";
import { untilWoken } from "./wake.ts";
import type { Port } from "./local_port.ts";

/**
 * The sending end; `transfer` names the buffers each item hands over instead of copying.
 *
 * With `coalesceMs` > 0, items sent close together cross as one message (see Coalescer); credit
 * is taken on send either way, so capacity bounds what waits there too.
 */
export class ChannelSender<T, C = never> {
  #credit: number;
  #waiters: (() => void)[] = [];
  #closed = false;
  #finished = false;
  readonly #acks = new AckCounter();
  readonly #coalescer: Coalescer<T>;
  /**
   * Called whenever the sender sees credit come back (with how much: the receiver acked that many
   * more items, oldest first). It sees that when it looks: on `credit`, `inFlight`, a send without
   * credit, or a wait (`waitForCredit`, `whenAcked`).
   */
  onCredit: ((n: number) => void) | undefined;
  /** Called with each reply the receiver sends back (see ChannelReceiver.reply). */
  onReply: ((message: unknown) => void) | undefined;

  constructor(
    private readonly port: Port,
    readonly capacity: number,
    private readonly transfer: (item: T) => Transferable[] = () => [],
    readonly coalesceMs = 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Cannot create channel: capacity ${capacity} is not a positive integer`);
    }
    this.#credit = capacity;
    port.postMessage({ t: WIRE.acks, v: this.#acks.buffer } satisfies Wire<T, C>);
    this.#coalescer = new Coalescer<T>(
      coalesceMs,
      (item, transfers) =>
        port.postMessage({ t: WIRE.item, v: item } satisfies Wire<T, C>, transfers),
      (items, transfers) =>
        port.postMessage({ t: WIRE.items, v: items } satisfies Wire<T, C>, transfers),
    );
    port.onmessage = (e: MessageEvent<Wire<T, C>>) => {
      if (e.data.t === WIRE.reply) this.onReply?.(e.data.v);
    };
  }

  /** Items the sender may still send without waiting. */
  get credit(): number {
    this.#collect();
    return this.#credit;
  }

  /** True once finish() (or end()) said no more items follow. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Items sent but not yet acked by the receiver. */
  get inFlight(): number {
    return this.capacity - this.credit;
  }

  /** Sends if credit allows; returns false (and sends nothing) otherwise. */
  trySend(item: T): boolean {
    if (this.#closed || this.#finished) throw new Error("Cannot send: channel is closed");
    if (this.credit === 0) return false;
    this.#credit--;
    this.#coalescer.add(item, this.transfer(item));
    return true;
  }

  /** Sends once credit is available; rejects if the signal aborts or the channel closes first. */
  async send(item: T, signal?: AbortSignal): Promise<void> {
    while (!this.trySend(item)) await this.waitForCredit(signal);
  }

  /** Resolves when at least one credit is available. */
  async waitForCredit(signal?: AbortSignal): Promise<void> {
    while (this.credit === 0) await this.whenAcked(signal);
  }

  /** Resolves once the receiver acks more items (seen through `onCredit` first); rejects once closed. */
  whenAcked(signal?: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("Cannot send: channel is closed"));
    const woken = untilWoken(
      (wake) =>
        this.#waiters.push(() =>
          wake(this.#closed ? new Error("Cannot send: channel is closed") : undefined)
        ),
      signal,
    );
    this.#acks.watch(this.#onAcked);
    return woken;
  }

  /** The watch ended: take the credit in; watch on if that woke no one (it was taken before). */
  readonly #onAcked = () => {
    this.#collect();
    if (this.#waiters.length > 0 && !this.#closed) this.#acks.watch(this.#onAcked);
  };

  /** Sends a control message; it costs no credit. */
  control(message: C): void {
    if (this.#closed) throw new Error("Cannot send: channel is closed");
    this.#coalescer.flush(); // data sent before it arrives before it
    this.port.postMessage({ t: WIRE.control, v: message } satisfies Wire<T, C>);
  }

  /** Tells the receiver no more items follow; it still drains what it holds. */
  end(): void {
    if (this.#closed) return;
    this.finish();
    this.close();
  }

  /**
   * Tells the receiver no more items follow, and keeps listening: the credit of the items in
   * flight still comes back as the consumer acks them (`inFlight` reaches 0). close() ends that.
   */
  finish(): void {
    if (this.#closed || this.#finished) return;
    this.#finished = true;
    this.#coalescer.flush();
    this.port.postMessage({ t: WIRE.end } satisfies Wire<T, C>);
  }

  /** Stops the sender; waiting sends reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#coalescer.discard(); // held items are lost with the port, as posted ones would be
    this.port.onmessage = null;
    this.port.close();
    this.#acks.unwatch();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Takes in the credit of the items acked since the last look; wakes whoever waits for it. */
  #collect(): void {
    const n = this.#acks.take();
    if (n === 0) return;
    this.#credit = Math.min(this.capacity, this.#credit + n);
    for (const wake of this.#waiters.splice(0)) wake();
    this.onCredit?.(n);
  }
}

/** Options of the receiving end. */
export interface ReceiverOptions<C> {
  /** Called on arrival of each control message, before any later data item is queued. */
  onControl?: (message: C) => void;
}

/** The receiving end: a bounded queue of items that the consumer takes and then acks. */
export class ChannelReceiver<T, C = never> {
  #queue: T[] = [];
  #head = 0;
  #unacked = 0;
  #maxDepth = 0;
  #ended = false;
  #closed = false;
  #wake: (() => void) | undefined;
  #acks: AckCounter | undefined;

  /** It holds at most the sender's capacity of unacked items: the sender's credit bounds it. */
  constructor(
    private readonly port: Port,
    private readonly options: ReceiverOptions<C> = {},
  ) {
    port.onmessage = (e: MessageEvent<Wire<T, C>>) => this.#onWire(e.data);
  }

  /** Items received and not yet acked (queued plus being processed). */
  get depth(): number {
    return this.#unacked;
  }

  /** The highest depth seen since creation. */
  get maxDepth(): number {
    return this.#maxDepth;
  }

  /** Items queued and not yet taken. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** True once the sender ended and every item was taken. */
  get done(): boolean {
    return this.#ended && this.queued === 0;
  }

  /** Takes the next item, waiting for one; undefined once the sender ended and all were taken. */
  async next(signal?: AbortSignal): Promise<T | undefined> {
    while (this.queued === 0) {
      if (this.#ended) return undefined;
      await untilWoken((wake) => this.#wake = wake, signal);
    }
    return this.tryNext();
  }

  /** Takes the next item if one is queued. */
  tryNext(): T | undefined {
    if (this.queued === 0) return undefined;
    const item = this.#queue[this.#head];
    this.#queue[this.#head++] = undefined as T;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Marks n taken items as done, which returns their credit to the sender. */
  ack(n = 1): void {
    if (n > this.#unacked) throw new RangeError(`Cannot ack ${n}: only ${this.#unacked} unacked`);
    this.#unacked -= n;
    // Credit still goes back after the end (a sender that finished waits for it), not after close.
    if (!this.#closed) this.#acks?.add(n);
  }

  /** Sends a message back to the sender (a receipt, say); it costs no credit. */
  reply(message: unknown): void {
    if (!this.#closed) this.port.postMessage({ t: WIRE.reply, v: message } satisfies Wire<T, C>);
  }

  /** Stops receiving and closes the port. */
  close(): void {
    this.#closed = true;
    this.#ended = true;
    this.port.onmessage = null;
    this.port.close();
    this.#wake?.();
  }

  #onWire(msg: Wire<T, C>): void {
    if (msg.t === WIRE.item || msg.t === WIRE.items) {
      if (msg.t === WIRE.item) this.#queue.push(msg.v);
      else for (const item of msg.v) this.#queue.push(item);
      this.#unacked += msg.t === WIRE.item ? 1 : msg.v.length;
      if (this.#unacked > this.#maxDepth) this.#maxDepth = this.#unacked;
    } else if (msg.t === WIRE.control) {
      this.options.onControl?.(msg.v);
      return;
    } else if (msg.t === WIRE.end) {
      this.#ended = true;
    } else {
      if (msg.t === WIRE.acks) this.#acks = new AckCounter(msg.v);
      return;
    }
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
