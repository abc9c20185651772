import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { WriteOutcome } from "../runtime/writes.ts";
import type { ApiContext, App } from "./context.ts";
import { errorBody, REFUSAL_STATUS } from "./errors.ts";
import {
  ActorParam,
  DeviceParam,
  ErrorBody,
  Restarted,
  TagParams,
  WriteBody,
  WriteManyBody,
  WriteManyResult,
  Written,
} from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const refusals = (what: string) => ({
  400: {
    description: `bad JSON, or a value the tag's type or range refuses`,
    content: json(ErrorBody),
  },
  401: { description: "no or a wrong bearer token", content: json(ErrorBody) },
  403: {
    description: `commands are off (no token set), or ${what} is not allowed`,
    content: json(ErrorBody),
  },
  404: { description: "no such device, tag or actor", content: json(ErrorBody) },
  429: { description: "over the per-tag or the global command rate", content: json(ErrorBody) },
  502: { description: "the device answered with an error", content: json(ErrorBody) },
  503: { description: "the device is not connected", content: json(ErrorBody) },
  504: { description: "no answer within the command timeout", content: json(ErrorBody) },
});
const security = [{ bearer: [] }];

const writeOne = createRoute({
  method: "post",
  path: "/api/devices/{device}/tags/{tag}/write",
  summary: "Writes a value to a writable tag and answers with what the device reads back",
  security,
  request: { params: TagParams, body: { content: json(WriteBody), required: true } },
  responses: {
    200: {
      description: "written (and read back where the driver verifies)",
      content: json(Written),
    },
    ...refusals("the tag"),
  },
});

const writeMany = createRoute({
  method: "post",
  path: "/api/devices/{device}/write",
  summary: "Writes several tags of one device, one after the other, each answered",
  security,
  request: { params: DeviceParam, body: { content: json(WriteManyBody), required: true } },
  responses: {
    200: {
      description: "each tag's outcome; `ok` when all were written",
      content: json(WriteManyResult),
    },
    ...refusals("a tag"),
  },
});

const restart = createRoute({
  method: "post",
  path: "/api/actors/{id}/restart",
  summary: "Stops one actor and starts it again; the others are untouched",
  security,
  request: { params: ActorParam },
  responses: {
    200: { description: "restarted", content: json(Restarted) },
    ...refusals("restarting"),
  },
});

type Failed = Extract<WriteOutcome, { ok: false }>;

/** The fields of an audit line a command request's path tells. */
export function commandTarget(c: Context) {
  const { device, tag, id } = c.req.param() as Record<string, string | undefined>;
  if (c.req.path === "/api/config/reload") return { action: "reload" as const };
  return { action: id ? "restart" as const : "write" as const, device, tag, actor: id };
}

/**
 * The bearer token check in front of every command route, before its body is read: a refusal
 * (401, 403) is audited; a caller who passes is remembered for the handler and the audit.
 */
export function tokenGuard({ source, auth, callers }: ApiContext): MiddlewareHandler {
  return async (c, next) => {
    const a = auth(c.req.header("authorization"));
    if (a.ok) {
      callers.set(c.req.raw, a.caller);
      return await next();
    }
    source.control?.refusedAtTheDoor(
      { channel: "rest", caller: "unauthenticated", ...commandTarget(c) },
      a.code,
      a.message,
    );
    c.header("WWW-Authenticate", 'Bearer realm="tagflow"');
    return c.json(errorBody(a.code, a.message), a.status);
  };
}

/** Writes and restarts: bearer token, then the runtime's guarded command path (audited there). */
export function commandRoutes(app: App, ctx: ApiContext): void {
  const { source, callers } = ctx;
  const guard = tokenGuard(ctx);
  const caller = (c: Context) => callers.get(c.req.raw) ?? "unauthenticated";
  const unavailable = errorBody("unavailable", "This gateway takes no commands");
  const refused = (o: Failed) => errorBody(o.refusal, o.message);

  app.openapi({ ...writeOne, middleware: guard }, async (c) => {
    if (!source.control) return c.json(unavailable, 503);
    const { device, tag } = c.req.valid("param");
    const { value } = c.req.valid("json");
    const o = await source.control.write({
      channel: "rest",
      caller: caller(c),
      device,
      tag,
      value,
    });
    if (!o.ok) return c.json(refused(o), REFUSAL_STATUS[o.refusal]);
    const { ok: _, ...written } = o;
    return c.json(written, 200);
  });

  app.openapi({ ...writeMany, middleware: guard }, async (c) => {
    const control = source.control;
    if (!control) return c.json(unavailable, 503);
    const { device } = c.req.valid("param");
    if (!control.tags(device)) return c.json(errorBody("not_found", `No device "${device}"`), 404);
    const results = [];
    for (const [tag, value] of Object.entries(c.req.valid("json").tags)) {
      const o = await control.write({ channel: "rest", caller: caller(c), device, tag, value });
      results.push(o.ok ? o : { tag, ok: false as const, error: refused(o).error });
    }
    return c.json({ device, ok: results.every((r) => r.ok), results }, 200);
  });

  app.openapi({ ...restart, middleware: guard }, async (c) => {
    if (!source.control) return c.json(unavailable, 503);
    const { id } = c.req.valid("param");
    const o = await source.control.restart({ channel: "rest", caller: caller(c), actor: id });
    if (!o.ok) return c.json(errorBody(o.refusal, o.message), REFUSAL_STATUS[o.refusal]);
    return c.json({ actor: o.actor, duration_ms: o.duration_ms }, 200);
  });
}
