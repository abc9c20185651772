import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "./context.ts";
import { jsonArrayBody } from "./json_stream.ts";
import { prometheusText } from "./metrics.ts";
import { ActorStatus, Health, NotReady } from "./schemas.ts";

const health = createRoute({
  method: "get",
  path: "/health",
  summary: "Liveness: 200 while the process serves",
  responses: {
    200: { description: "serving", content: { "application/json": { schema: Health } } },
  },
});

const ready = createRoute({
  method: "get",
  path: "/ready",
  summary: "Readiness: 200 when every actor runs, else 503 naming the others",
  responses: {
    200: {
      description: "every actor running",
      content: { "application/json": { schema: z.object({ status: z.literal("ready") }) } },
    },
    503: {
      description: "actors not running, with state and reason",
      content: { "application/json": { schema: NotReady } },
    },
  },
});

const actors = createRoute({
  method: "get",
  path: "/api/actors",
  summary: "Every actor: kind, role, worker, state, reason, restarts and counters",
  responses: {
    200: {
      description: "the actors",
      content: { "application/json": { schema: z.array(ActorStatus) } },
    },
  },
});

const metrics = createRoute({
  method: "get",
  path: "/metrics",
  summary: "States, counters, gauges and histograms in Prometheus text format",
  responses: {
    200: {
      description: "Prometheus text format 0.0.4",
      content: { "text/plain": { schema: z.string() } },
    },
  },
});

/** Health, readiness, actors and metrics. */
export function healthRoutes(app: App, { source, startedAt }: ApiContext): void {
  app.openapi(
    health,
    (c) => c.json({ status: "ok" as const, uptime_s: (Date.now() - startedAt) / 1000 }, 200),
  );
  app.openapi(ready, (c) => {
    const notRunning = [];
    for (const { id, kind, role, state, reason, since } of source.status()) {
      if (state !== "running") notRunning.push({ id, kind, role, state, reason, since });
    }
    if (notRunning.length === 0) return c.json({ status: "ready" as const }, 200);
    return c.json({ status: "not_ready" as const, actors: notRunning }, 503);
  });
  // The schema's JSON, streamed (see jsonArrayBody): typed as the body it is, not as JSON.
  app.openapi(actors, (c) => {
    const list: Iterable<z.infer<typeof ActorStatus>> = source.status();
    return c.body(jsonArrayBody(list), 200, { "content-type": "application/json" }) as never;
  });
  app.openapi(metrics, (c) =>
    c.text(prometheusText(source.status(), Deno.memoryUsage()), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }));
}
