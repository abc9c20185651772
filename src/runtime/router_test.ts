import assert from "node:assert/strict";
import type { ToActor } from "./messages.ts";
import { Router } from "./router.ts";

Deno.test("a sink gets a local link from the worker it runs in, a port from any other", () => {
  const router = new Router(
    new Map([["near", ["sink"]], ["far", ["sink"]]]),
    new Map([["sink", { maxSamples: 1000, whenFull: "block" as const }]]),
    4,
  );
  router.registerSource("near", 1, "pool");
  router.registerSource("far", 2, "actor:far");
  const sent = new Map<string, ToActor[]>();
  const post = (key: string) => (msg: ToActor) => {
    sent.set(key, [...sent.get(key) ?? [], msg]);
  };
  router.attachUpstream("pool", post("pool"));
  router.attachUpstream("actor:far", post("actor:far"));
  router.attachSink("sink", post("pool"), "pool");

  const types = (key: string) => sent.get(key)!.map((m) => m.type);
  assert.deepEqual(types("actor:far"), ["link"], "the other worker: a port to the sink");
  assert.deepEqual(types("pool").sort(), ["input", "local_link"]);
  const local = sent.get("pool")!.find((m) => m.type === "local_link")!;
  assert.deepEqual(local, {
    type: "local_link",
    sink: "sink",
    from: "pool",
    capacity: 4,
    queue: { maxSamples: 500, whenFull: "block" },
  });
  const input = sent.get("pool")!.find((m) => m.type === "input")!;
  assert.equal(input.type === "input" && input.from, "actor:far", "the input is the far worker's");
});
