import type { TagMeta, UnsPrefix } from "../model/tag.ts";
import type { SampleBatch } from "../model/batch.ts";
import type { BatchReceiver, BatchSender, TagCatalog } from "./frames.ts";
import type { Fanout } from "./fanout.ts";
import type { SampleInput } from "./merged_input.ts";
import type { Health } from "./health/actor_health.ts";
import type { Logger } from "./log.ts";
import type { Command, Counters, Role } from "./messages.ts";
import type { OnSettled, ReceiptWaiters } from "./receipts.ts";
import type { WriteOutcome, WriteRequest } from "./writes.ts";

/** Runs one command (a write, say) and returns what the caller gets back. */
export type CommandHandler = (command: Command) => Promise<unknown>;

/**
 * Where a device sends its samples: tags first, then batches; send waits for room in the queues
 * of the sinks it is routed to. Each batch carries its device's source id.
 */
export class Output {
  #registered = 0;
  constructor(
    private readonly fanout: Fanout,
    readonly source: number,
    private readonly counters: Counters,
    private readonly receipts?: ReceiptWaiters,
  ) {}

  /** Registers tags; returns the index of the first one. */
  registerTags(tags: TagMeta[]): number {
    const first = this.#registered;
    this.#registered += tags.length;
    this.fanout.registerTags({ type: "tags", source: this.source, first, tags });
    return first;
  }

  /**
   * Registers every tag of an actor whose tags follow from its config alone, once, before any
   * other: `make` gives them, now and whenever a sink worker needs them again, so the worker keeps
   * none. Returns the number of tags.
   */
  registerAllTags(make: () => TagMeta[]): number {
    if (this.#registered > 0) throw new Error("Cannot register all tags: some are registered");
    const tags = make();
    this.#registered = tags.length;
    this.fanout.registerTags({ type: "tags", source: this.source, first: 0, tags }, make);
    return tags.length;
  }

  /** True when a batch could be sent now without waiting. */
  get ready(): boolean {
    return this.fanout.ready(this.source);
  }

  /** Sends a batch if that needs no waiting for credit; false (nothing sent) otherwise. */
  trySend(batch: SampleBatch): boolean {
    if (!this.fanout.tryPush(batch)) return false;
    this.counters.samples_out += batch.count;
    return true;
  }

  /**
   * Sends a batch, waiting for credit (backpressure). With `onSettled`, that is called once every
   * sink the batch is routed to has it stored (or dropped it by its queue policy, counted there),
   * with `true`, or with `false` when a sink worker died with it in flight: a source that buffers
   * on disk keeps its copy until then, and sends it again when it was lost.
   */
  async send(batch: SampleBatch, signal?: AbortSignal, onSettled?: OnSettled): Promise<void> {
    const n = batch.count;
    if (onSettled) {
      if (!this.receipts) throw new Error("Cannot track a batch: this output takes no receipts");
      batch.receipt = this.receipts.add(onSettled);
    }
    await this.fanout.push(batch, signal);
    this.counters.samples_out += n;
  }
}

/** What the worker host hands to an actor; `C` is its kind's validated config section. */
export interface ActorContext<C = unknown> {
  readonly id: string;
  readonly kind: string;
  /** The actor kind's own config section, validated by the main thread. */
  readonly config: C;
  /** The gateway's name (`gateway.name`), for client ids and application names. */
  readonly gateway: string;
  /** Devices: the gateway's UNS levels merged with the device's own `uns` overrides. */
  readonly uns: UnsPrefix;
  /** Aborted when the actor is asked to stop. */
  readonly signal: AbortSignal;
  /** Mutate in place; the host reports them to the supervisor every second. */
  readonly counters: Counters;
  readonly log: Logger;
  /**
   * Report the connection running (up) or degraded with a reason; the actor's state also weighs
   * what `health` judged from its data. Logged once per change.
   */
  setState(state: "running" | "degraded", reason?: string): void;
  /** Tell the runtime how reads and writes went; it judges the actor's health from that. */
  readonly health: Health;
  /** Devices only. */
  readonly output?: Output;
  /** Sinks and transforms: ends once every sending worker has sent everything, at shutdown. */
  readonly input?: SampleInput;
  /** Sinks: metadata of every tag registered by the sources routed to this sink. */
  readonly tags: TagCatalog;
  /** Takes commands for this actor (writes…); without a handler they are rejected. */
  onCommand(handler: CommandHandler): void;
  /**
   * Submits a write to the gateway's guarded command path (writable check, rate limits, audit,
   * then the device), as the MQTT sink does for its command topics; resolves with the answer.
   */
  submit(write: WriteRequest): Promise<WriteOutcome>;
}

/**
 * An actor kind's entry point: runs until the actor is done. A device returns after its signal
 * aborts (having flushed its output); a sink returns once its input ended and everything taken
 * was written. Throwing fails the actor and the supervisor restarts it.
 */
export type ActorMain<C = unknown> = (ctx: ActorContext<C>) => Promise<void>;

/** One kind of actor in one role, loaded on first use in the worker that hosts it. */
export interface ActorKind {
  kind: string;
  role: Role;
  // `never`: the host hands each kind the config its own schema validated.
  load(): Promise<{ default: ActorMain<never> }>;
}

/** Every actor kind a worker can host; a kind is found by its role and name. */
export type ActorRegistry = readonly ActorKind[];

export type { BatchReceiver, BatchSender };
