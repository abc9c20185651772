import assert from "node:assert/strict";
import type { ActorStatus } from "../runtime/status.ts";
import { createApi } from "./app.ts";

function actor(id: string, state: ActorStatus["state"], reason?: string): ActorStatus {
  const status: ActorStatus = {
    id,
    kind: id.startsWith("mqtt") ? "mqtt" : "modbus",
    role: id.startsWith("mqtt") ? "sink" : "device",
    worker: `actor:${id}`,
    state,
    since: "2026-11-25T10:00:00.000Z",
    restarts: 0,
    counters: { samples_in: 3, samples_out: 3, errors: 0, dropped: 0, queue_depth: 0 },
  };
  if (reason) status.reason = reason;
  return status;
}

function api(actors: ActorStatus[]) {
  return createApi({ status: () => actors }, { startedAt: Date.now() - 5000 });
}

Deno.test("/health answers 200 with status ok", async () => {
  const res = await api([actor("press1", "failed", "down")]).request("/health");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.equal(body.status, "ok");
  assert.ok(body.uptime_s >= 5, `uptime ${body.uptime_s}`);
});

Deno.test("/ready is 200 when every actor runs", async () => {
  const res = await api([actor("press1", "running"), actor("mqtt", "running")]).request("/ready");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ready" });
});

Deno.test("/ready is 503 listing exactly the actors not running, with state and reason", async () => {
  const actors = [
    actor("press1", "running"),
    actor("press2", "failed", "Cannot connect to 10.0.0.9:502: timed out"),
    actor("mqtt", "starting"),
  ];
  const res = await api(actors).request("/ready");
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), {
    status: "not_ready",
    actors: [
      {
        id: "press2",
        kind: "modbus",
        role: "device",
        state: "failed",
        reason: "Cannot connect to 10.0.0.9:502: timed out",
        since: "2026-11-25T10:00:00.000Z",
      },
      {
        id: "mqtt",
        kind: "mqtt",
        role: "sink",
        state: "starting",
        since: "2026-11-25T10:00:00.000Z",
      },
    ],
  });
});

Deno.test("/api/actors returns the status list", async () => {
  const actors = [actor("press1", "running"), actor("mqtt", "degraded", "broker slow")];
  const res = await api(actors).request("/api/actors");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), actors);
});

Deno.test("an unknown path is a JSON 404", async () => {
  const res = await api([]).request("/nope", { method: "POST" });
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), {
    error: { code: "not_found", message: "No route POST /nope" },
  });
});
