import type { ActorPermissions } from "./kit/permissions.ts";
import type { CounterTable } from "./counter_table.ts";
import type { ErrorInfo } from "../model/errors.ts";
import type { HealthSettings } from "./health/actor_health.ts";
import type { LogLevel } from "./log.ts";
import type { UnsPrefix } from "../model/tag.ts";
import type { Counters } from "./counters.ts";
import type { WriteOutcome, WriteRequest } from "./writes.ts";

export { type Counters, zeroCounters } from "./counters.ts";

/** What an actor is for: devices produce samples, sinks consume them, simulators serve devices. */
/** A device produces samples, a sink takes them, a transform takes some and produces new ones. */
export type Role = "device" | "sink" | "transform" | "simulator";

/** Roles whose actors send batches to the router. */
export const producesSamples = (role: Role) => role === "device" || role === "transform";
/** Roles whose actors take batches from the router, through a queue of their own. */
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
    /** A sink's input. */
    port?: MessagePort;
    /** Capacity (in batches) of the channel on `port`. */
    capacity: number;
    logLevel: LogLevel;
  }
  /** Sent first to a worker that hosts devices: the channel they all send on. */
  | { type: "output"; port: MessagePort; capacity: number; coalesceMs: number }
  /** After its devices stopped: end the shared channel so the router can drain. */
  | { type: "end_output" }
  /** Devices: stop producing, flush, end the output. Sinks stop when their input ends. */
  | { type: "stop"; id: string }
  | { type: "command"; id: string; request: number; command: Command }
  /** The answer to a write the actor submitted (see FromActor "submit"). */
  | { type: "submitted"; id: string; request: number; outcome: WriteOutcome };

/** Messages from a worker to the main thread. */
export type FromActor =
  | { type: "state"; id: string; state: "running" | "degraded"; reason?: string }
  /** Counters of every actor the worker hosts, four times a second. */
  | { type: "counters"; table: CounterTable }
  /** One actor failed; without `id`, the whole worker did. */
  | { type: "failed"; id?: string; error: ErrorInfo }
  | { type: "stopped"; id: string; counters: Counters }
  | { type: "result"; id: string; request: number; result: CommandResult }
  /** An actor (the MQTT sink taking a command topic) submits a write to the guarded path. */
  | { type: "submit"; id: string; request: number; write: WriteRequest };
