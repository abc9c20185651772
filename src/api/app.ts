import { Hono } from "hono";
import type { ActorStatus } from "../runtime/status.ts";
import { prometheusText } from "./metrics.ts";

/** What the API reads from the runtime. */
export interface ApiSource {
  status(): ActorStatus[];
}

/** The HTTP API: health for probes, readiness with reasons, actor states and counters, metrics. */
export function createApi(runtime: ApiSource, startedAt = Date.now()): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok", uptime_s: (Date.now() - startedAt) / 1000 }));
  app.get("/ready", (c) => {
    const notRunning = runtime.status()
      .filter((a) => a.state !== "running")
      .map(({ id, kind, role, state, reason, since }) => ({
        id,
        kind,
        role,
        state,
        reason,
        since,
      }));
    if (notRunning.length === 0) return c.json({ status: "ready" });
    return c.json({ status: "not_ready", actors: notRunning }, 503);
  });
  app.get("/api/actors", (c) => c.json(runtime.status()));
  app.get(
    "/metrics",
    (c) =>
      c.text(prometheusText(runtime.status()), 200, {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
      }),
  );
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
