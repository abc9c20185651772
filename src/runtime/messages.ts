import type { ErrorInfo } from "../model/errors.ts";
import type { LogLevel } from "./log.ts";

/** What an actor is for: devices produce samples, sinks consume them, simulators serve devices. */
export type Role = "device" | "sink" | "simulator";

/** Lifecycle of an actor as the supervisor reports it. */
export type ActorState = "starting" | "running" | "degraded" | "failed" | "stopped";

/** Everything needed to start one actor; config is the actor kind's own validated section. */
export interface ActorSpec {
  id: string;
  kind: string;
  role: Role;
  config: unknown;
}

/** Counters an actor keeps; kinds may add their own (overruns, reconnects…). */
export interface Counters {
  samples_in: number;
  samples_out: number;
  errors: number;
  dropped: number;
  [name: string]: number;
}

/** Messages from the main thread to an actor's worker. */
export type ToActor =
  | {
    type: "start";
    spec: ActorSpec;
    /** Source id for the batches a device sends. */
    source: number;
    /** A device's output or a sink's input. */
    port?: MessagePort;
    /** Capacity (in batches) of the channel on `port`. */
    capacity: number;
    logLevel: LogLevel;
  }
  /** Devices: stop producing, flush, end the output. Sinks stop when their input ends. */
  | { type: "stop" };

/** Messages from an actor's worker to the main thread. */
export type FromActor =
  | { type: "state"; state: "running" | "degraded"; reason?: string }
  | { type: "counters"; counters: Counters }
  | { type: "failed"; error: ErrorInfo }
  | { type: "stopped"; counters: Counters };

/** A fresh set of zeroed counters. */
export function zeroCounters(): Counters {
  return { samples_in: 0, samples_out: 0, errors: 0, dropped: 0 };
}
