import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "./context.ts";
import { errorBody } from "./errors.ts";
import { Device, DeviceParam, ErrorBody, Tag } from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

const devices = createRoute({
  method: "get",
  path: "/api/devices",
  summary: "Every device: kind, state, reason and tag count",
  responses: {
    200: { description: "the devices", content: json(z.array(Device)) },
    503: { description: "the command path is not available", content: json(ErrorBody) },
  },
});

const tags = createRoute({
  method: "get",
  path: "/api/devices/{device}/tags",
  summary: "A device's tags with their latest value, quality, reason and time (no device call)",
  request: { params: DeviceParam },
  responses: {
    200: { description: "the tags", content: json(z.array(Tag)) },
    404: { description: "no such device", content: json(ErrorBody) },
    503: { description: "the command path is not available", content: json(ErrorBody) },
  },
});

/** Devices and their tags, from the router's latest-value table. */
export function deviceRoutes(app: App, { source }: ApiContext): void {
  const unavailable = errorBody("unavailable", "This gateway serves no device API");
  app.openapi(devices, (c) => {
    if (!source.control) return c.json(unavailable, 503);
    return c.json(source.control.devices(), 200);
  });
  app.openapi(tags, (c) => {
    if (!source.control) return c.json(unavailable, 503);
    const { device } = c.req.valid("param");
    const list = source.control.tags(device);
    if (!list) return c.json(errorBody("not_found", `No device "${device}"`), 404);
    return c.json(list, 200);
  });
}
