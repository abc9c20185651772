import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "./context.ts";
import { errorBody } from "./errors.ts";
import { AuditEntry, AuditQuery, ErrorBody } from "./schemas.ts";

const audit = createRoute({
  method: "get",
  path: "/api/audit",
  summary: "Commands, done or refused, oldest first: the latest `limit` since `since`",
  request: { query: AuditQuery },
  responses: {
    200: {
      description: "audit entries",
      content: { "application/json": { schema: z.array(AuditEntry) } },
    },
    400: {
      description: "a `since` that is no time",
      content: { "application/json": { schema: ErrorBody } },
    },
    503: { description: "no command path", content: { "application/json": { schema: ErrorBody } } },
  },
});

/** The audit log of commands. */
export function auditRoutes(app: App, { source }: ApiContext): void {
  app.openapi(audit, (c) => {
    if (!source.control) return c.json(errorBody("unavailable", "No command path"), 503);
    const { since, limit } = c.req.valid("query");
    const from = since === undefined ? 0 : /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (Number.isNaN(from)) {
      return c.json(
        errorBody("bad_request", `since: expected an ISO 8601 time or ms, got "${since}"`),
        400,
      );
    }
    return c.json(source.control.audit.recent(from, limit), 200);
  });
}
