import assert from "node:assert/strict";
import { COLLECTOR, settleHeap } from "./settle_heap.ts";
import { V8_FLAGS } from "../v8_flags.ts";

Deno.test("settleHeap does nothing without the collector exposed", () => {
  assert.equal(typeof (globalThis as Record<string, unknown>)[COLLECTOR], "undefined");
  assert.equal(settleHeap(), false);
});

Deno.test("with the gateway's V8 flags, settleHeap gives a heap of garbage back", async () => {
  // A child Deno under the flags `deno task start` passes: it fills its heap with 60 MB of
  // objects, drops them, settles, and reports the heap's committed size before and after.
  const script = `
    import { settleHeap } from ${JSON.stringify(new URL("./settle_heap.ts", import.meta.url).href)};
    let junk = [];
    for (let i = 0; i < 600_000; i++) junk.push({ i, s: "x" + i });
    const before = Deno.memoryUsage().heapTotal;
    junk = undefined;
    const settled = settleHeap();
    console.log(JSON.stringify({ settled, before, after: Deno.memoryUsage().heapTotal }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `--v8-flags=${V8_FLAGS}`, script],
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const { settled, before, after } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(settled, true, "the flags expose the collector");
  assert.ok(before > 40e6, `the heap held the garbage: ${before}`);
  assert.ok(after < before / 4, `heap after settling ${after} of ${before} bytes`);
});
