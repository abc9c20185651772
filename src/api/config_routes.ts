import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { tokenGuard } from "./command_routes.ts";
import type { ApiContext, App } from "./context.ts";
import { errorBody } from "./errors.ts";
import { ConfigInForce, ErrorBody, Reloaded, ReloadRefused } from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

const inForce = createRoute({
  method: "get",
  path: "/api/config",
  summary: "The config in force, with its secrets masked",
  responses: {
    200: { description: "the config in force", content: json(ConfigInForce) },
    503: { description: "no config to show", content: json(ErrorBody) },
  },
});

const reload = createRoute({
  method: "post",
  path: "/api/config/reload",
  summary:
    "Reads the config file again: if valid, restarts only the actors whose config changed; if not, changes nothing and says why",
  security: [{ bearer: [] }],
  responses: {
    200: { description: "reloaded: what changed", content: json(Reloaded) },
    401: { description: "no or a wrong bearer token", content: json(ErrorBody) },
    403: { description: "commands are off (no token set)", content: json(ErrorBody) },
    409: {
      description: "the change takes effect only at start (api, gateway, commands, permissions)",
      content: json(ReloadRefused),
    },
    422: {
      description: "the file is not a valid config: every problem",
      content: json(ReloadRefused),
    },
    503: { description: "the gateway runs without a config file", content: json(ErrorBody) },
  },
});

/** The config in force, and its reload behind the same token as writes (audited). */
export function configRoutes(app: App, ctx: ApiContext): void {
  const { source, callers } = ctx;
  const caller = (c: Context) => callers.get(c.req.raw) ?? "unauthenticated";
  app.openapi(inForce, (c) => {
    if (!source.config) return c.json(errorBody("unavailable", "No config to show"), 503);
    return c.json(source.config.inForce(), 200);
  });
  app.openapi({ ...reload, middleware: tokenGuard(ctx) }, async (c) => {
    const reloader = source.config?.reload?.bind(source.config);
    if (!reloader) {
      return c.json(errorBody("unavailable", "This gateway runs without a config file"), 503);
    }
    const o = await reloader("api", caller(c));
    if (o.ok) {
      const { ok: _, ...what } = o;
      return c.json(what, 200);
    }
    const body = { ...errorBody(o.code, o.message), ...(o.issues ? { issues: o.issues } : {}) };
    return c.json(body, o.code === "invalid_config" ? 422 : 409);
  });
}
