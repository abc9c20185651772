import assert from "node:assert/strict";
import { Histogram, pollStartLag } from "../runtime/histogram.ts";
import { zeroCounters } from "../runtime/messages.ts";
import type { ActorStatus } from "../runtime/status.ts";
import { createApi } from "./app.ts";

const counters = { ...zeroCounters(), samples_in: 40, samples_out: 38, errors: 1, polls: 2 };
pollStartLag.observe(counters, 0.3);
pollStartLag.observe(counters, 4.5);
const latency = new Histogram("change_latency_ms", [10, 100]);
latency.observe(counters, 50);

const actors: ActorStatus[] = [{
  id: "press1",
  kind: "modbus",
  role: "device",
  worker: "device/modbus#0",
  state: "degraded",
  reason: "timed out",
  since: new Date(0).toISOString(),
  restarts: 2,
  counters: { ...counters, queue_depth: 3 },
}];

Deno.test("/metrics: states, counters, gauges and histograms in Prometheus text", async () => {
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
      `tagflow_poll_start_lag_ms_bucket{${base},le="5"} 2`,
      `tagflow_poll_start_lag_ms_bucket{${base},le="+Inf"} 2`,
      `tagflow_poll_start_lag_ms_sum{${base}} 4.8`,
      `tagflow_poll_start_lag_ms_count{${base}} 2`,
      "# TYPE tagflow_change_latency_ms histogram",
      `tagflow_change_latency_ms_bucket{${base},le="100"} 1`,
      `tagflow_change_latency_ms_bucket{${base},le="+Inf"} 1`,
      `tagflow_change_latency_ms_count{${base}} 1`,
    ]
  ) assert.ok(text.split("\n").includes(line), `missing: ${line}\n${text}`);
  assert.ok(!text.includes("{le="), "buckets are not also listed as counters");
  assert.ok(!text.includes("_sum_total"), "a histogram's sum is not also a counter");
});

Deno.test("/metrics: the process's resident set and main heap as gauges without labels", async () => {
  const res = await createApi({ status: () => [] }).request("/metrics");
  const text = await res.text();
  assert.match(text, /# TYPE tagflow_process_resident_memory_bytes gauge/);
  const rss = Number(text.match(/^tagflow_process_resident_memory_bytes (\d+)$/m)?.[1]);
  const heap = Number(text.match(/^tagflow_main_heap_used_bytes (\d+)$/m)?.[1]);
  assert.ok(rss > 10e6 && heap > 1e6 && heap < rss, `rss ${rss}, heap ${heap}\n${text}`);
});
