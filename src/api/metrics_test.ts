import assert from "node:assert/strict";
import type { ActorStatus } from "../runtime/supervisor.ts";
import { createApi } from "./app.ts";

const actors: ActorStatus[] = [{
  id: "press1",
  kind: "modbus",
  role: "device",
  state: "degraded",
  reason: "timed out",
  since: new Date(0).toISOString(),
  restarts: 2,
  counters: {
    samples_in: 40,
    samples_out: 38,
    errors: 1,
    dropped: 0,
    queue_depth: 3,
    polls: 2,
    lag_le_0_5: 1,
    lag_le_5: 1,
  },
}];

Deno.test("/metrics: states, counters, gauges and the lag histogram in Prometheus text", async () => {
  const res = await createApi({ status: () => actors }).request("/metrics");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const base = 'actor="press1",kind="modbus",role="device"';
  for (
    const line of [
      "# TYPE tagflow_actor_state gauge",
      `tagflow_actor_state{${base},state="degraded"} 1`,
      `tagflow_actor_state{${base},state="running"} 0`,
      `tagflow_actor_restarts_total{${base}} 2`,
      "# TYPE tagflow_samples_in_total counter",
      `tagflow_samples_in_total{${base}} 40`,
      "# TYPE tagflow_queue_depth gauge",
      `tagflow_queue_depth{${base}} 3`,
      "# TYPE tagflow_poll_start_lag_ms histogram",
      `tagflow_poll_start_lag_ms_bucket{${base},le="0.5"} 1`,
      `tagflow_poll_start_lag_ms_bucket{${base},le="4"} 1`,
      `tagflow_poll_start_lag_ms_bucket{${base},le="5"} 2`,
      `tagflow_poll_start_lag_ms_bucket{${base},le="+Inf"} 2`,
      `tagflow_poll_start_lag_ms_count{${base}} 2`,
    ]
  ) assert.ok(text.split("\n").includes(line), `missing: ${line}\n${text}`);
  assert.ok(!text.includes("lag_le_"), "buckets are not also listed as counters");
});
