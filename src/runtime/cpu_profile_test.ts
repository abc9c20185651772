import assert from "node:assert/strict";
import { profileFor } from "./cpu_profile.ts";

Deno.test("a thread's CPU profile names the functions that ran", async () => {
  function spinForProfile(until: number) {
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    return x;
  }
  const profile = await new Promise<{ nodes: { callFrame: { functionName: string } }[] }>(
    (resolve) => {
      profileFor(200, (p) => resolve(p as never));
      setTimeout(() => spinForProfile(performance.now() + 150), 10);
    },
  );
  const names = profile.nodes.map((n) => n.callFrame.functionName);
  assert.ok(names.includes("spinForProfile"), `not among ${names.length} nodes`);
});
