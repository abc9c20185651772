import { COLLECTOR } from "./runtime/settle_heap.ts";

/**
 * The V8 flags of `deno task start` from 500 devices on (and of compile, at any size): small
 * heaps — a 1 MB young generation and an old one grown by 10 % at a time (1,000 Modbus devices in
 * 168 MB, 5,000 in 386 MB, against 438 and 861 MB under V8's defaults). Not --optimize-for-size: it kept the
 * same fleet 6 MB smaller but ran hot code 3–9× slower (MQTT → InfluxDB a quarter slower, the
 * fleet and OPC UA 30–50 % more CPU). Both sets expose V8's collector to the gateway, which
 * settles its heap after a start or reload (src/runtime/settle_heap.ts).
 */
export const V8_FLAGS =
  `--max-semi-space-size=1,--heap-growing-percent=10,--expose-gc-as=${COLLECTOR}`;

/**
 * The flags for a small fleet: a 4 MB young generation. With 100 devices publishing to MQTT it
 * halved the time in the collector (4.1 against 9.6 ms a second) for 12 MB more; where a thousand
 * devices hold the memory, that is not worth it.
 */
export const SMALL_FLEET_V8_FLAGS =
  `--max-semi-space-size=4,--heap-growing-percent=10,--expose-gc-as=${COLLECTOR}`;

/** Fleets with fewer devices than this get SMALL_FLEET_V8_FLAGS. */
export const SMALL_FLEET = 500;

/** The flags `deno task start` chooses for a gateway with this many devices. */
export const v8FlagsFor = (devices: number): string =>
  devices < SMALL_FLEET ? SMALL_FLEET_V8_FLAGS : V8_FLAGS;

/**
 * The V8 arguments `deno task start` gives the gateway: the flags for its fleet, or none when
 * DENO_V8_FLAGS is set, since a `--v8-flags` on the command line would override the operator's own.
 */
export function v8Args(env: (name: string) => string | undefined, devices: number): string[] {
  return env("DENO_V8_FLAGS") === undefined ? [`--v8-flags=${v8FlagsFor(devices)}`] : [];
}
