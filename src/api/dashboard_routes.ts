import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { createRequire } from "node:module";
import type { ApiContext, App } from "./context.ts";

/** The dashboard's files: in this folder, and uPlot's from its npm package (no CDN). */
const HERE = new URL("./dashboard/", import.meta.url);
const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
};

function uplotFile(name: string): string {
  import.meta.resolve("uplot"); // installs the package where Deno keeps npm packages on first use
  return createRequire(import.meta.url).resolve(`uplot/dist/${name}`);
}

const FILES: Record<string, () => string> = {
  "app.js": () => new URL("app.js", HERE).pathname,
  "style.css": () => new URL("style.css", HERE).pathname,
  "uplot.js": () => uplotFile("uPlot.iife.min.js"),
  "uplot.css": () => uplotFile("uPlot.min.css"),
};

const stream = createRoute({
  method: "get",
  path: "/api/stream",
  summary: "Live updates as Server-Sent Events: `actors` every 2 s, a device's `tags` every second",
  request: {
    query: z.object({
      device: z.string().optional().openapi({
        param: { name: "device", in: "query" },
        example: "compressor1",
        description: "the device whose tags to send",
      }),
    }),
  },
  responses: {
    200: {
      description: "text/event-stream: `actors` [[id, state, reason]…], `tags` {device, tags}",
      content: { "text/event-stream": { schema: z.string() } },
    },
  },
});

/** How often a client gets its device's tags, and the actors' states. */
const TAGS_EVERY_MS = 1000;
const ACTORS_EVERY = 2;

/** The live dashboard at `/` and its event stream. */
export function dashboardRoutes(app: App, { source }: ApiContext): void {
  app.get("/", async (c) => c.html(await Deno.readTextFile(new URL("index.html", HERE))));
  app.get("/dashboard/:file", async (c) => {
    const file = c.req.param("file");
    const path = FILES[file]?.();
    if (!path) return c.notFound();
    return c.body(await Deno.readFile(path), 200, {
      "content-type": TYPES[file.split(".").pop()!],
      "cache-control": "no-cache",
    });
  });
  app.openapi(stream, (c) => {
    const { device } = c.req.valid("query");
    // One timer per client, each sending at most once a second: no polling storm, however many
    // tabs are open. What is sent is read from the router's latest-value table.
    return streamSSE(c, async (out) => {
      let open = true;
      out.onAbort(() => {
        open = false;
      });
      for (let tick = 0; open; tick++) {
        if (tick % ACTORS_EVERY === 0) {
          const actors = Array.from(source.status(), (a) => [a.id, a.state, a.reason ?? ""]);
          await out.writeSSE({ event: "actors", data: JSON.stringify(actors) });
        }
        const tags = device ? source.control?.tags(device) : undefined;
        if (tags) await out.writeSSE({ event: "tags", data: JSON.stringify({ device, tags }) });
        await out.sleep(TAGS_EVERY_MS);
      }
    }) as never;
  });
}
