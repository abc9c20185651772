import { V8_FLAGS } from "../tests/helpers/gateway_process.ts";

/**
 * The gateway's `--v8-flags` argument for a bench: `deno task start`'s flags, or those of
 * BENCH_GATEWAY_V8_FLAGS ("" for V8's defaults: no argument).
 */
export function gatewayV8Args(): string[] {
  const flags = Deno.env.get("BENCH_GATEWAY_V8_FLAGS") ?? V8_FLAGS;
  return flags ? [`--v8-flags=${flags}`] : [];
}
