import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { auditRoutes } from "./audit_routes.ts";
import { tokenChecker } from "./auth.ts";
import type { Context } from "hono";
import { commandRoutes, commandTarget } from "./command_routes.ts";
import { configRoutes } from "./config_routes.ts";
import type { ApiContext, ApiSource } from "./context.ts";
import { alarmRoutes } from "./alarm_routes.ts";
import { deviceRoutes } from "./device_routes.ts";
import { errorBody } from "./errors.ts";
import { dashboardRoutes } from "./dashboard_routes.ts";
import { healthRoutes } from "./health_routes.ts";
import { historyRoutes } from "./history_routes.ts";

export type { ApiSource };

/** How the API is set up. */
export interface ApiOptions {
  /** When the gateway started, for /health's uptime. */
  startedAt?: number;
  /** Bearer tokens by name (`api.tokens`); without any, writes and restarts answer 403. */
  tokens?: Readonly<Record<string, string>>;
}

/**
 * The HTTP API: health, readiness, actors and metrics; devices and tags with their latest values;
 * writes and restarts behind a bearer token; the audit log; and its own OpenAPI document at
 * /openapi.json, made from the same zod schemas that validate the requests.
 */
export function createApi(source: ApiSource, options: ApiOptions = {}): OpenAPIHono {
  const callers = new WeakMap<Request, string>();
  /** A malformed command (bad JSON, a missing or wrong field) is refused, and audited. */
  const malformed = (c: Context, code: string, message: string) => {
    const caller = callers.get(c.req.raw);
    if (caller !== undefined) {
      source.control?.refusedAtTheDoor(
        { channel: "rest", caller, ...commandTarget(c) },
        code,
        message,
      );
    }
    return c.json(errorBody(code, message), 400);
  };
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const message = result.error.issues
        .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(body)"}: ${i.message}`)
        .join("; ");
      return malformed(c, "bad_request", message);
    },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  const ctx: ApiContext = {
    source,
    startedAt: options.startedAt ?? Date.now(),
    auth: tokenChecker(options.tokens ?? {}),
    callers,
  };
  healthRoutes(app, ctx);
  deviceRoutes(app, ctx);
  alarmRoutes(app, ctx);
  commandRoutes(app, ctx);
  auditRoutes(app, ctx);
  configRoutes(app, ctx);
  historyRoutes(app, ctx);
  dashboardRoutes(app, ctx);
  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "Tagflow gateway API",
      version: "1",
      description: "Health, actors, devices and tags, commands (writes, restarts) and their audit.",
    },
  });
  app.onError((err, c) => {
    if (err instanceof HTTPException && err.status === 400) {
      return malformed(c, "bad_json", `The request body is not valid JSON: ${err.message}`);
    }
    return c.json(errorBody("internal", (err as Error).message), 500);
  });
  app.notFound((c) =>
    c.json(errorBody("not_found", `No route ${c.req.method} ${c.req.path}`), 404)
  );
  return app;
}
