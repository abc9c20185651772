/** Fleets from this size on outgrow the start task's tight heap flags (BENCHMARKS.md, Modbus). */
export const LARGE_FLEET = 2000;

/**
 * Advice for an operator who starts a large fleet under V8 flags that cap heap growth: at 5,000
 * Modbus devices `--heap-growing-percent=10` kept the collector at half a core and polls fell
 * behind. The flags are read from the command line (`deno run --v8-flags=…`) and DENO_V8_FLAGS;
 * a compiled binary's own flags are not visible, so it says nothing there.
 */
export function heapAdvice(
  devices: number,
  cmdline: readonly string[],
  envFlags = "",
): string | undefined {
  if (devices < LARGE_FLEET) return undefined;
  const flags = [...cmdline.filter((a) => a.startsWith("--v8-flags=")), envFlags].join(",");
  const m = /--heap-growing-percent=(\d+)/.exec(flags);
  if (!m || Number(m[1]) === 0 || Number(m[1]) >= 50) return undefined;
  return `${devices} devices under --heap-growing-percent=${m[1]}: a fleet this size needs ` +
    `V8's default heap growth, or the collector falls behind and so do the polls; start it ` +
    `without those --v8-flags (docs/operations.md, "V8 flags")`;
}

/** This process's command line, as /proc has it (empty where there is no /proc). */
export function ownCmdline(): string[] {
  try {
    return Deno.readTextFileSync("/proc/self/cmdline").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}
