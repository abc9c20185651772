import assert from "node:assert/strict";
import { V8_FLAGS } from "../tests/helpers/gateway_process.ts";
import { gatewayV8Args } from "./gateway_flags.ts";

Deno.test("bench gateway flags: the start task's by default, the env's when set, none when empty", () => {
  const saved = Deno.env.get("BENCH_GATEWAY_V8_FLAGS");
  try {
    Deno.env.delete("BENCH_GATEWAY_V8_FLAGS");
    assert.deepEqual(gatewayV8Args(), [`--v8-flags=${V8_FLAGS}`]);
    Deno.env.set("BENCH_GATEWAY_V8_FLAGS", "--max-old-space-size=300");
    assert.deepEqual(gatewayV8Args(), ["--v8-flags=--max-old-space-size=300"]);
    Deno.env.set("BENCH_GATEWAY_V8_FLAGS", "");
    assert.deepEqual(gatewayV8Args(), []);
  } finally {
    if (saved === undefined) Deno.env.delete("BENCH_GATEWAY_V8_FLAGS");
    else Deno.env.set("BENCH_GATEWAY_V8_FLAGS", saved);
  }
});
