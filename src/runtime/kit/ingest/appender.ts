import type { DiskBuffer } from "../../disk_buffer.ts";
import type { MappedCache } from "./cache.ts";
import type { Mapped } from "./map.ts";
import { encodeKept, type KeptMessage } from "./record.ts";

/** What the appender needs of a client's socket: Node's cork/uncork, and destroy. */
export interface HeldStream {
  cork(): void;
  uncork(): void;
  destroy(err?: Error): void;
}

/**
 * Writes the messages taken in one turn of the event loop as one buffer record, holding the
 * clients' sockets (corked) meanwhile. The MQTT client is told a message is handled at once, so it
 * goes on to the next one, but the PUBACK it writes waits in the corked socket until the record
 * holding the message is on disk (as the fsync policy says); then the turn's PUBACKs leave in one
 * write. Taking a message used to cost a file write and a socket write of its own, each a system
 * call — most of the CPU a message cost on a virtual machine. When a record cannot be written the
 * held sockets are closed instead: their PUBACKs never leave, and the broker sends again.
 */
export class TurnAppender {
  #group: { message: KeptMessage; values: Mapped }[] = [];
  #held = new Set<HeldStream>();
  #scheduled = false;
  #chain = Promise.resolve();
  #lastTs = 0;
  #turn: PromiseWithResolvers<void> | undefined;

  constructor(
    private readonly buffer: DiskBuffer,
    private readonly mapped: MappedCache,
    /** Called with a record's messages once it is written, before their PUBACKs leave. */
    private readonly onAppended: (messages: KeptMessage[]) => void,
    private readonly onFailed: (err: Error) => void,
  ) {}

  /** Holds a socket's writes until this turn's record is written (call before its messages). */
  hold(stream: HeldStream | undefined): void {
    if (!stream || this.#held.has(stream)) return;
    stream.cork();
    this.#held.add(stream);
    this.#schedule();
  }

  /** Adds a message and what it mapped to (kept for the forwarder) to this turn's record. */
  add(message: KeptMessage, values: Mapped): void {
    this.#group.push({ message, values });
    this.#schedule();
  }

  /**
   * Resolves once the record of this turn's messages is written; rejects when it cannot be (a
   * client that acks messages itself acks after this).
   */
  written(): Promise<void> {
    if (!this.#turn) {
      this.#turn = Promise.withResolvers<void>();
      this.#turn.promise.catch(() => {}); // a caller may be gone; the failure is reported anyway
      this.#schedule();
    }
    return this.#turn.promise;
  }

  /** Resolves once every record of the turns so far was written (or failed). */
  settled(): Promise<void> {
    return this.#chain;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#endTurn());
  }

  #endTurn(): void {
    this.#scheduled = false;
    const group = this.#group, held = [...this.#held], turn = this.#turn;
    this.#group = [];
    this.#turn = undefined;
    this.#held.clear();
    // Turns are written in order: a socket held in two turns is let go by the later one.
    this.#chain = this.#chain.then(async () => {
      try {
        if (group.length > 0) await this.#append(group);
        for (const s of held) s.uncork();
        turn?.resolve();
      } catch (err) {
        for (const s of held) s.destroy(err as Error);
        turn?.reject(err);
        this.onFailed(err as Error);
      }
    });
  }

  async #append(group: { message: KeptMessage; values: Mapped }[]): Promise<void> {
    const messages = group.map((g) => g.message);
    const record = encodeKept(messages);
    // A time no other record of this run has: the cache's key. Cached before the append, as the
    // forwarder may read the record the moment it is written.
    const ts = this.#lastTs = Math.max(Date.now(), this.#lastTs + 0.001);
    this.mapped.put(ts, record.length, group.map((g) => g.values));
    await this.buffer.append(record, ts);
    this.onAppended(messages);
  }
}
