import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AuditLog } from "../runtime/audit.ts";
import type { Control } from "../runtime/control.ts";
import type { ActorStatus } from "../runtime/status.ts";
import type { Auth } from "./auth.ts";

/** What the API reads from the runtime, and the command path it hands requests to. */
export interface ApiSource {
  status(): ActorStatus[];
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
