// Hostile HTTP requests: any body, any query string, any path parameter on every route → an
// answer under 500 with a JSON error naming the problem; never a crash. The command path behind
// the API is a stand-in here (what the API does with requests is under test, not the devices).
import assert from "node:assert/strict";
import fc from "fast-check";
import { createApi } from "../../src/api/app.ts";
import type { ApiSource } from "../../src/api/context.ts";
import { runs } from "./runs.ts";

const control: NonNullable<ApiSource["control"]> = {
  devices: () => [{ id: "d", kind: "modbus", state: "running", tags: 1 }],
  tags: (device) => device === "d" ? [] : undefined,
  write: (req) =>
    Promise.resolve({
      ok: false,
      device: req.device,
      tag: req.tag,
      refusal: "not_found",
      message: `Cannot write ${req.device}.${req.tag}: no such tag`,
      duration_ms: 0,
    }),
  restart: (req) =>
    Promise.resolve({
      ok: false,
      actor: req.actor,
      refusal: "not_found",
      message: "no such actor",
      duration_ms: 0,
    }),
  refusedAtTheDoor: () => {},
  history: (req) =>
    Promise.resolve({ ok: false, refusal: "not_found", message: `path: no tag "${req.path}"` }),
  alarms: () => [],
  audit: { recent: () => [] },
};
const app = createApi({ status: () => [], control }, { tokens: { op: "t0k" } });

const ROUTES: [string, string][] = [
  ["POST", "/api/devices/{a}/tags/{b}/write"],
  ["POST", "/api/devices/{a}/write"],
  ["POST", "/api/actors/{a}/restart"],
  ["GET", "/api/devices/{a}/tags"],
  ["GET", "/api/history"],
  ["GET", "/api/audit"],
  ["GET", "/api/devices"],
];

const segment = fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent);
const query = fc.dictionary(
  fc.constantFrom("path", "from", "to", "points", "since", "limit", "store", "x"),
  fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constant("")),
).map((q) => new URLSearchParams(q).toString());
const body = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.record({ value: fc.jsonValue() }).map((v) => JSON.stringify(v)),
  fc.record({ tags: fc.dictionary(fc.string(), fc.jsonValue()) }).map((v) => JSON.stringify(v)),
);

Deno.test("fuzz: any request to any route is answered under 500 with a named JSON error", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: ROUTES.length - 1 }),
      segment,
      segment,
      query,
      body,
      fc.boolean(),
      async (r, a, b, q, text, withToken) => {
        const [method, template] = ROUTES[r];
        const path = template.replace("{a}", a).replace("{b}", b);
        const res = await app.request(`${path}?${q}`, {
          method,
          headers: {
            "content-type": "application/json",
            ...(withToken ? { authorization: "Bearer t0k" } : {}),
          },
          body: method === "POST" ? text : undefined,
        });
        assert.ok(res.status < 500, `${method} ${path}?${q} ${text}: ${res.status}`);
        const answer = await res.json();
        if (res.status >= 400) {
          assert.equal(typeof answer.error?.code, "string", JSON.stringify(answer));
          assert.ok(answer.error.message.length > 0);
        }
      },
    ),
    runs(3),
  );
});
