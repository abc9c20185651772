import assert from "node:assert/strict";
import { heapAdvice, LARGE_FLEET } from "./heap_advice.ts";

const tight = "--v8-flags=--max-semi-space-size=1,--heap-growing-percent=10";

Deno.test("a large fleet under capped heap growth is told what to do; others hear nothing", () => {
  const run = ["deno", "run", tight, "src/main.ts"];
  assert.match(heapAdvice(5000, run) ?? "", /5000 devices under --heap-growing-percent=10/);
  assert.equal(heapAdvice(LARGE_FLEET - 1, run), undefined, "a small fleet fits the flags");
  assert.equal(heapAdvice(5000, ["deno", "run", "src/main.ts"]), undefined, "V8's defaults");
  assert.equal(heapAdvice(5000, ["deno", "run", "--v8-flags=--heap-growing-percent=0"]), undefined);
  assert.match(heapAdvice(5000, [], "--heap-growing-percent=20") ?? "", /=20/, "DENO_V8_FLAGS");
});
