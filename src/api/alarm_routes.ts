import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "./context.ts";
import { errorBody } from "./errors.ts";
import { Alarm, ErrorBody } from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

const alarms = createRoute({
  method: "get",
  path: "/api/alarms",
  summary: "The alarms active now, most severe first; acknowledge one by writing true to its tag",
  responses: {
    200: { description: "the active alarms", content: json(z.array(Alarm)) },
    503: { description: "the command path is not available", content: json(ErrorBody) },
  },
});

/** The active alarms of the alarm transforms. */
export function alarmRoutes(app: App, { source }: ApiContext): void {
  app.openapi(alarms, (c) => {
    if (!source.control) {
      return c.json(errorBody("unavailable", "This gateway serves no alarm API"), 503);
    }
    return c.json(source.control.alarms(), 200);
  });
}
