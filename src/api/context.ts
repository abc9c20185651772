import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AuditLog } from "../runtime/audit.ts";
import type { Control } from "../runtime/control.ts";
import type { ActorStatus } from "../runtime/status.ts";
import type { Auth } from "./auth.ts";

/** What asked for a config reload. */
export type ReloadTrigger = "file" | "signal" | "api";

/** A config reload's answer: what changed, by actor id, or why nothing did. */
export type ReloadOutcome =
  | {
    ok: true;
    added: string[];
    removed: string[];
    changed: string[];
    retargeted: string[];
    /** Actors that did not stop within the reload's time (their run was ended anyway). */
    late: string[];
  }
  | {
    ok: false;
    code: "invalid_config" | "restart_required";
    message: string;
    /** An invalid config's problems, by path. */
    issues?: { path: string; message: string }[];
  };

/** The config in force and its reload. */
export interface ConfigSource {
  inForce(): { file?: string; loaded_at: string; config: unknown };
  /** Absent when the gateway runs without a config file (tests): reloads answer 503. */
  reload?(trigger: ReloadTrigger, caller?: string): Promise<ReloadOutcome>;
}

/** What the API reads from the runtime, and the command path it hands requests to. */
export interface ApiSource {
  /** Every actor's state and counters; a lazy iterable is read one slice at a time. */
  status(): Iterable<ActorStatus>;
  /** The config in force (secrets masked) and its reload; without it those routes answer 503. */
  config?: ConfigSource;
  /** Devices, tags and commands; without it those routes answer 503. */
  control?:
    & Pick<
      Control,
      "devices" | "tags" | "write" | "restart" | "refusedAtTheDoor" | "history" | "alarms"
    >
    & {
      audit: Pick<AuditLog, "recent">;
    };
}

/** What every route module is given. */
export interface ApiContext {
  source: ApiSource;
  startedAt: number;
  /** Checks a request's Authorization header. */
  auth: (header?: string) => Auth;
  /** The caller (token name) of each command request that passed the token check. */
  callers: WeakMap<Request, string>;
}

export type App = OpenAPIHono;
