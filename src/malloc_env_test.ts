import assert from "node:assert/strict";
import { MALLOC_ENV, mallocEnv } from "./malloc_env.ts";

Deno.test("malloc env: two arenas unless the environment says otherwise", () => {
  assert.deepEqual(mallocEnv(() => undefined), { MALLOC_ARENA_MAX: "2" });
  assert.deepEqual(mallocEnv((k) => k === "MALLOC_ARENA_MAX" ? "8" : undefined), {});
  assert.deepEqual(MALLOC_ENV, { MALLOC_ARENA_MAX: "2" });
});
