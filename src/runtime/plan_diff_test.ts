import assert from "node:assert/strict";
import type { ActorSpec } from "./messages.ts";
import { canonical, diffPlans, isEmpty } from "./plan_diff.ts";

const dev = (id: string, config: unknown, placement?: string): ActorSpec => ({
  id,
  kind: "modbus",
  role: "device",
  config,
  placement,
});
const sink = (id: string, config: unknown): ActorSpec => ({
  id,
  kind: "mqtt",
  role: "sink",
  config,
});

Deno.test("a changed interval changes only that device; placement does not count", () => {
  const running = [dev("a", { interval_ms: 1000 }, "w#0"), dev("b", { interval_ms: 1000 }, "w#1")];
  const next = [dev("a", { interval_ms: 500 }, "w#1"), dev("b", { interval_ms: 1000 }, "w#0")];
  const routes = new Map([["a", ["s"]], ["b", ["s"]]]);
  const d = diffPlans(running, routes, next, routes);
  assert.deepEqual(d.changed.map((s) => s.id), ["a"]);
  assert.deepEqual(d.unchanged, ["b"]);
  assert.deepEqual([d.added, d.removed, d.retargeted], [[], [], []]);
  assert.equal(isEmpty(d), false);
});

Deno.test("added and removed actors, and sources whose targets changed", () => {
  const running = [dev("a", {}), sink("s", { url: "mqtt://x" })];
  const next = [dev("a", {}), sink("t", { url: "mqtt://y" })];
  const d = diffPlans(running, new Map([["a", ["s"]]]), next, new Map([["a", ["t"]]]));
  assert.deepEqual(d.added.map((s) => s.id), ["t"]);
  assert.deepEqual(d.removed.map((s) => s.id), ["s"]);
  assert.deepEqual(d.retargeted, ["a"]);
  assert.deepEqual(d.changed, []);
});

Deno.test("the same config written in another order is no change", () => {
  const running = [dev("a", { host: "h", port: 502, tags: [{ name: "t", address: 1 }] })];
  const next = [dev("a", { tags: [{ address: 1, name: "t" }], port: 502, host: "h" })];
  const routes = new Map([["a", ["s", "t"]]]);
  const d = diffPlans(running, routes, next, new Map([["a", ["t", "s"]]]));
  assert.ok(isEmpty(d));
  assert.equal(canonical({ b: 1, a: [2, { d: 1, c: 2 }] }), '{"a":[2,{"c":2,"d":1}],"b":1}');
});
