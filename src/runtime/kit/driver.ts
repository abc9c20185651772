import type { output, ZodType } from "zod";
import type { ActorKind, ActorMain } from "../actor.ts";
import type { ActorPermissions } from "./permissions.ts";

/** A config schema and the actor it configures, each loaded on first use. */
export interface DriverPart<S extends ZodType = ZodType> {
  /** The zod schema of one config entry, with `kind: z.literal(<the driver's kind>)`. */
  config(): Promise<S>;
  /** The actor; it receives its entry validated by `config` (and defaults filled in). */
  load(): Promise<{ default: ActorMain<output<S>> }>;
  /**
   * The hosts and paths an actor with this (validated) config reaches; its worker gets those and
   * nothing more. Without it, the actor gets no network and no files.
   */
  permissions?(config: output<S>, id: string): ActorPermissions;
}

/**
 * What a driver folder exports: the kind a user writes in config.jsonc, the role it plays (a
 * device produces samples, a sink stores or publishes them), its config schema and its actor, and
 * optionally a built-in simulator configured under `simulators` with the same kind. Schemas and
 * actors load lazily: a worker hosting one kind never loads another kind's code.
 */
export interface Driver {
  kind: string;
  role: "device" | "sink" | "transform";
  config(): Promise<ZodType>;
  load(): Promise<{ default: ActorMain<never> }>;
  permissions?(config: never, id: string): ActorPermissions;
  /**
   * How many actors of this kind share a worker when `gateway.placement` does not say (a worker
   * costs memory: node-opcua alone about 100 MB); absent, each actor gets a worker of its own.
   */
  perWorker?: number;
  /**
   * A sink light enough to share its sources' worker: when every source routed to it runs in one
   * worker, it runs there too, and their batches reach it without a thread hop.
   */
  joinsSources?: boolean;
  simulator?: {
    config(): Promise<ZodType>;
    load(): Promise<{ default: ActorMain<never> }>;
    permissions?(config: never, id: string): ActorPermissions;
  };
}

/** Declares a driver; the actor's config type is the schema's output, checked here. */
export function defineDriver<S extends ZodType, T extends ZodType = ZodType>(
  driver:
    & {
      kind: string;
      role: "device" | "sink" | "transform";
      perWorker?: number;
      joinsSources?: boolean;
      simulator?: DriverPart<T>;
    }
    & DriverPart<S>,
): Driver {
  return driver;
}

/** The actor kinds of the drivers, simulators included, as a worker host looks them up. */
export function actorKinds(drivers: readonly Driver[]): ActorKind[] {
  return drivers.flatMap((d): ActorKind[] => [
    { kind: d.kind, role: d.role, load: d.load },
    ...(d.simulator ? [{ kind: d.kind, role: "simulator" as const, load: d.simulator.load }] : []),
  ]);
}
