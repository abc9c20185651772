import assert from "node:assert/strict";
import { V8_FLAGS, v8Args } from "./v8_flags.ts";

Deno.test("v8Args: the start task's flags, unless DENO_V8_FLAGS sets the operator's own", () => {
  assert.deepEqual(v8Args(() => undefined), [`--v8-flags=${V8_FLAGS}`]);
  const env: Record<string, string> = { DENO_V8_FLAGS: "--max-semi-space-size=16" };
  assert.deepEqual(v8Args((name) => env[name]), []);
});
