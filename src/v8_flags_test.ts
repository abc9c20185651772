import assert from "node:assert/strict";
import { SMALL_FLEET, SMALL_FLEET_V8_FLAGS, V8_FLAGS, v8Args } from "./v8_flags.ts";

Deno.test("v8Args: the flags for the fleet's size, unless DENO_V8_FLAGS sets the operator's own", () => {
  const none = () => undefined;
  assert.deepEqual(v8Args(none, 100), [`--v8-flags=${SMALL_FLEET_V8_FLAGS}`]);
  assert.deepEqual(v8Args(none, SMALL_FLEET - 1), [`--v8-flags=${SMALL_FLEET_V8_FLAGS}`]);
  assert.deepEqual(v8Args(none, SMALL_FLEET), [`--v8-flags=${V8_FLAGS}`]);
  assert.deepEqual(v8Args(none, 5000), [`--v8-flags=${V8_FLAGS}`]);
  const env: Record<string, string> = { DENO_V8_FLAGS: "--max-semi-space-size=16" };
  assert.deepEqual(v8Args((name) => env[name], 100), []);
});
