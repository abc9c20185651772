import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "./context.ts";
import { errorBody } from "./errors.ts";
import { ErrorBody } from "./schemas.ts";

/** A time as an ISO 8601 string or ms since the epoch. */
const time = (name: string, example: string) =>
  z.string().optional().openapi({
    param: { name, in: "query" },
    example,
    description: "ISO 8601 or ms since the epoch",
  });

const HistoryQuery = z.object({
  path: z.string().min(1).openapi({
    param: { name: "path", in: "query" },
    example: "compressor1/temperature",
    description: "the tag's UNS path, or device/tag",
  }),
  from: time("from", "2026-12-02T10:00:00Z"),
  to: time("to", "2026-12-02T11:00:00Z"),
  points: z.coerce.number().int().min(1).max(10_000).default(500).openapi({
    param: { name: "points", in: "query" },
    example: 500,
    description: "at most this many points; more samples are downsampled (min/max/avg a step)",
  }),
  store: z.string().optional().openapi({
    param: { name: "store", in: "query" },
    example: "history",
    description: "the history sink to ask; default the first",
  }),
});

export const HistorySeries = z.object({
  path: z.string(),
  from: z.number(),
  to: z.number(),
  step_ms: z.number().openapi({ description: "0: raw samples; else one point per step" }),
  ts: z.array(z.number()),
  value: z.array(z.union([z.number(), z.string(), z.null()])),
  min: z.array(z.number().nullable()).optional(),
  max: z.array(z.number().nullable()).optional(),
  quality: z.array(z.number()).openapi({
    description: "0 good, 1 uncertain, 2 bad (a step's worst)",
  }),
}).openapi("HistorySeries");

const history = createRoute({
  method: "get",
  path: "/api/history",
  summary: "A range of one tag's history from the embedded store, at most `points` long",
  request: { query: HistoryQuery },
  responses: {
    200: {
      description: "the series, in columns",
      content: { "application/json": { schema: HistorySeries } },
    },
    400: {
      description: "a parameter that is wrong (named)",
      content: { "application/json": { schema: ErrorBody } },
    },
    404: {
      description: "no such tag, or no history sink",
      content: { "application/json": { schema: ErrorBody } },
    },
    503: {
      description: "the history sink is not running",
      content: { "application/json": { schema: ErrorBody } },
    },
  },
});

/** Parses a time parameter; NaN when it is none. */
function timeOf(text: string): number {
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text);
}

/** The embedded history. */
export function historyRoutes(app: App, { source }: ApiContext): void {
  app.openapi(history, async (c) => {
    if (!source.control) return c.json(errorBody("unavailable", "No history here"), 503);
    const q = c.req.valid("query");
    const to = q.to === undefined ? Date.now() : timeOf(q.to);
    if (Number.isNaN(to)) {
      return c.json(
        errorBody("bad_request", `to: expected an ISO 8601 time or ms, got "${q.to}"`),
        400,
      );
    }
    const from = q.from === undefined ? to - 3_600_000 : timeOf(q.from);
    if (Number.isNaN(from)) {
      return c.json(
        errorBody("bad_request", `from: expected an ISO 8601 time or ms, got "${q.from}"`),
        400,
      );
    }
    if (from > to) return c.json(errorBody("bad_request", "from: after to"), 400);
    const answer = await source.control.history({
      path: q.path,
      from,
      to,
      points: q.points,
      store: q.store,
    });
    if (!answer.ok) {
      const status = answer.refusal === "not_found"
        ? 404
        : answer.refusal === "bad_value"
        ? 400
        : 503;
      return c.json(errorBody(answer.refusal, answer.message), status);
    }
    return c.json(answer.series as z.infer<typeof HistorySeries>, 200);
  });
}
