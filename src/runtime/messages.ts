import type { ActorPermissions } from "./kit/permissions.ts";
import type { CounterTable } from "./counter_table.ts";
import type { ErrorInfo } from "../model/errors.ts";
import type { HealthSettings } from "./health/actor_health.ts";
import type { LogLevel } from "./log.ts";
import type { UnsPrefix } from "../model/tag.ts";
import type { Counters } from "./counters.ts";
import type { WriteOutcome, WriteRequest } from "./writes.ts";
import type { LinkFigures, Target } from "./fanout.ts";
import type { TagsFrame } from "./frames.ts";
import type { LatestMessage } from "./latest.ts";
import type { SinkQueue } from "./outbox.ts";

export { type Counters, zeroCounters } from "./counters.ts";

/** What an actor is for: devices produce samples, sinks consume them, simulators serve devices. */
/** A device produces samples, a sink takes them, a transform takes some and produces new ones. */
export type Role = "device" | "sink" | "transform" | "simulator";

/** Roles whose actors send batches (to the sinks and transforms they are routed to). */
export const producesSamples = (role: Role) => role === "device" || role === "transform";
/** Roles whose actors take batches, through a queue of their own in each sending worker. */
export const takesSamples = (role: Role) => role === "sink" || role === "transform";

/** Lifecycle of an actor as the supervisor reports it. */
export type ActorState = "starting" | "running" | "degraded" | "failed" | "stopped";

/** Everything needed to start one actor; config is the actor kind's own validated section. */
export interface ActorSpec {
  id: string;
  kind: string;
  role: Role;
  config: unknown;
  /** The gateway's name; default "tagflow". */
  gateway?: string;
  /** Devices: UNS levels above the device (the gateway's merged with the device's own). */
  uns?: UnsPrefix;
  /** Actors with the same placement key share a worker; default: a worker of its own. */
  placement?: string;
  /** What the actor may reach; its worker gets the union of its actors'. Absent: the process's. */
  permissions?: ActorPermissions;
  /** Thresholds its health is judged by; absent: the defaults. */
  health?: HealthSettings;
}

/** A request to an actor, e.g. a write to a tag; actors that take commands say which ops. */
export interface Command {
  op: string;
  [field: string]: unknown;
}

/** The answer to a command. */
export type CommandResult = { ok: true; value?: unknown } | { ok: false; error: ErrorInfo };

/** Messages from the main thread to a worker, each naming the actor it is for. */
export type ToActor =
  | {
    type: "start";
    spec: ActorSpec;
    /** Source id for the batches a device sends. */
    source: number;
    /** Devices and transforms: where their batches go. */
    targets: Target[];
    logLevel: LogLevel;
  }
  /** Sent first to a worker with sources: how long it may hold batches to send several at once. */
  | { type: "output"; coalesceMs: number }
  /** To a worker with sources: send a sink's (or transform's) batches on this port from now on. */
  | { type: "link"; sink: string; port: MessagePort; capacity: number; queue: SinkQueue }
  /**
   * To a worker with sources that also runs the sink: link its sources to the sink's input there,
   * over a local pair of ports (one message does both "link" and "input"; `from` is this worker).
   */
  | { type: "local_link"; sink: string; from: string; capacity: number; queue: SinkQueue }
  /** The sink's worker went away: what was in flight to it is lost. */
  | { type: "unlink"; sink: string }
  /** The sink was removed from the config: send what is queued for it, then end its link. */
  | { type: "close_link"; sink: string }
  /** A running device's (or transform's) targets changed with the config. */
  | { type: "route"; source: number; targets: Target[] }
  /** The sink restarts: end its input after what is in flight; keep its queue. */
  | { type: "pause_link"; sink: string }
  /** To a sink's (or transform's) worker: the port of an upstream worker, one more input. */
  | { type: "input"; id: string; from: string; port: MessagePort }
  /** The upstream worker `from` went away: close its port. */
  | { type: "drop_input"; id: string; from: string }
  /** No more inputs: the sink's input ends once every port has ended. */
  | { type: "end_input"; id: string }
  /** After its devices stopped: send what is queued, end every link, answer "drained". */
  | { type: "end_output" }
  /** Devices: stop producing, flush, end the output. Sinks stop when their input ends. */
  | { type: "stop"; id: string }
  | { type: "command"; id: string; request: number; command: Command }
  /** The answer to a write the actor submitted (see FromActor "submit"). */
  | { type: "submitted"; id: string; request: number; outcome: WriteOutcome };

/** Messages from a worker to the main thread. */
export type FromActor =
  | { type: "state"; id: string; state: "running" | "degraded"; reason?: string }
  /**
   * Counters of every actor the worker hosts, four times a second, with its sinks' queues
   * (by sink id) and the batches waiting in them.
   */
  | { type: "counters"; table: CounterTable; links?: Record<string, LinkFigures>; depth?: number }
  /** A source registered tags. */
  | { type: "tags"; frame: TagsFrame }
  /** The worker's CPU profile, when the environment asked for one (TAGFLOW_CPU_PROFILE_MS). */
  | { type: "profile"; profile: unknown }
  /** The worker's queues are sent and its links ended (after "end_output"). */
  | { type: "drained" }
  | LatestMessage
  /** One actor failed; without `id`, the whole worker did. */
  | { type: "failed"; id?: string; error: ErrorInfo }
  | { type: "stopped"; id: string; counters: Counters }
  | { type: "result"; id: string; request: number; result: CommandResult }
  /** An actor (the MQTT sink taking a command topic) submits a write to the guarded path. */
  | { type: "submit"; id: string; request: number; write: WriteRequest };
