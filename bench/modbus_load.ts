// The Modbus load scenario of issue #3: N simulated devices × 20 registers polled every 1 s, by a
// plain modbus-serial loop (baseline) and then by the gateway, in the same invocation, against
// the same simulator fleet running in its own process. Prints a Markdown table for BENCHMARKS.md.
//   deno task bench:modbus [--devices 1000] [--seconds 30] [--coalesce-ms 0]
//     [--workers N] (gateway.placement.modbus; 0, the default: the gateway's own packing)
//     [--transforms] (also the gateway with a deadband filter and a 1-minute window on every tag)
//     [--gateway-v8-flags=…] [--baseline-v8-flags=…]  (the baseline takes the gateway's by default)
//   Both sides run with the start task's allocator setting (MALLOC_ENV, src/malloc_env.ts).
//     [--forget] (also a plain loop that forgets settled transactions, as the gateway does; run
//       with --seconds 270 or more to see the plain loop's transactions at their full 256 a device)
//     [--profile DIR] (a CPU profile of each gateway thread; `deno run -A bench/profile.ts DIR`)
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pollStartLag } from "../src/runtime/histogram.ts";
import { actorCounters, waitReady } from "./gateway_api.ts";
import { cliArgs, Proc } from "./proc.ts";
import { meter, type Usage } from "./proc_usage.ts";
import { PERMISSIONS } from "../tests/helpers/gateway_process.ts";
import { v8FlagsFor } from "../src/v8_flags.ts";
import { profileEnv } from "./profile.ts";
import { MALLOC_ENV } from "../src/malloc_env.ts";
import { freePortRange, loopbackPort } from "./ports.ts";

const BENCH = fileURLToPath(new URL(".", import.meta.url));
const WARMUP_S = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  name: string;
  pollsPerS: number;
  overruns: number | undefined;
  errors: number | undefined;
  buckets: number[] | undefined;
  exact?: { p50: number; p99: number; max: number };
  usage: Usage;
  sim: Usage;
}

/** Fails early if the open-file limit cannot hold a fleet's listeners plus one poller's sockets. */
function checkFdLimit(n: number): number {
  const line = Deno.readTextFileSync("/proc/self/limits").split("\n").find((l) =>
    l.startsWith("Max open files")
  );
  const soft = Number(line?.split(/\s+/)[3]);
  if (soft < 2 * n + 256) {
    throw new Error(
      `Cannot run ${n} devices: open-file limit ${soft}; run \`ulimit -n 65536\` first`,
    );
  }
  return soft;
}

/** The generated gateway config: n modbus devices of 20 uint16 tags in `workers` workers, no sinks. */
function gatewayConfig(
  n: number,
  basePort: number,
  apiPort: number,
  workers: number,
  coalesceMs: number,
  transforms = false,
): unknown {
  const tags = Array.from(
    { length: 20 },
    (_, r) => ({ name: `r${r}`, address: `1!${40001 + r}`, type: "uint16" }),
  );
  const devices = Object.fromEntries(Array.from({ length: n }, (_, i) => [
    `d${String(i).padStart(4, "0")}`,
    { kind: "modbus", host: "127.0.0.1", port: basePort + i, interval_ms: 1000, tags },
  ]));
  return {
    gateway: {
      name: "bench",
      log_level: "warn",
      // 0: the gateway's own packing (a worker per 1,000 Modbus devices).
      placement: workers > 0 ? { modbus: workers } : {},
      coalesce_ms: coalesceMs,
    },
    api: { host: "127.0.0.1", port: apiPort },
    devices,
    // With --transforms: report by exception (deadband) and a one-minute mean on every tag.
    ...(transforms
      ? {
        transforms: {
          deadband: {
            kind: "filter",
            from: Object.keys(devices),
            tags: Object.keys(devices).map((d) => `${d}/*`),
            deadband: { absolute: 1 },
          },
          mean_1m: {
            kind: "window",
            from: Object.keys(devices),
            tags: Object.keys(devices).map((d) => `${d}/*`),
            size_ms: 60_000,
          },
        },
      }
      : {}),
  };
}

async function runBaseline(
  sim: Proc,
  n: number,
  basePort: number,
  seconds: number,
  v8Flags: string,
  forget = false,
): Promise<Result> {
  const p = new Proc("baseline", [
    "run",
    "-A",
    ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
    `${BENCH}modbus_plain_loop.ts`,
    ...cliArgs({ devices: n, "base-port": basePort, seconds, "warmup-seconds": WARMUP_S }),
    ...(forget ? ["--forget"] : []),
  ], { ...MALLOC_ENV });
  try {
    await p.waitFor("measuring", 60_000);
    const [cpu, simCpu] = [meter(p.child.pid), meter(sim.child.pid)];
    const out = await p.waitFor("polls_per_s", (seconds + 30) * 1000);
    const [usage, simUsage] = [cpu(), simCpu()];
    const b = out.buckets as Record<string, number>;
    return {
      name: `baseline: plain modbus-serial loop${forget ? " forgetting settled transactions" : ""}${
        flagsNote(v8Flags)
      }`,
      pollsPerS: out.polls_per_s as number,
      overruns: out.overruns as number,
      errors: out.errors as number,
      buckets: pollStartLag.keys.map((k) => b[k]),
      exact: out.jitter_ms as Result["exact"],
      usage,
      sim: simUsage,
    };
  } finally {
    await p.stop();
  }
}

const flagsNote = (v8Flags: string) => ` (${v8Flags ? `--v8-flags=${v8Flags}` : "V8 defaults"})`;

/** Sums the modbus actors' counters; a counter no actor has is undefined. */
const gatewayCounters = (api: string) => actorCounters(api, "modbus");

/**
 * The gateway's counters as a worker reports them anew, and when: workers report once a second
 * when they host more than 100 actors, so a rate taken between two arbitrary reads would be off
 * by up to a second's polls. Read outside the CPU window (the reads cost the main thread).
 */
async function nextReport(api: string): Promise<{ counters: Map<string, number>; at: number }> {
  const before = (await gatewayCounters(api)).get("polls");
  for (const deadline = performance.now() + 5000;;) {
    const counters = await gatewayCounters(api), at = performance.now();
    if (counters.get("polls") !== before || at > deadline) return { counters, at };
    await sleep(20);
  }
}

/** Where the gateway writes its threads' CPU profiles (--profile). */
let profileDir: string | undefined;

async function runGateway(
  sim: Proc,
  n: number,
  basePort: number,
  seconds: number,
  workers: number,
  coalesceMs: number,
  v8Flags: string,
  transforms = false,
): Promise<Result> {
  const apiPort = loopbackPort();
  const config = await Deno.makeTempFile({ prefix: "tagflow-bench-", suffix: ".json" });
  await Deno.writeTextFile(
    config,
    JSON.stringify(gatewayConfig(n, basePort, apiPort, workers, coalesceMs, transforms)),
  );
  const api = `http://127.0.0.1:${apiPort}`;
  const p = new Proc(
    "gateway",
    [
      "run",
      ...PERMISSIONS,
      ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
      "src/main.ts",
      "--config",
      config,
    ],
    {
      ...MALLOC_ENV,
      ...profileEnv(
        profileDir && `${profileDir}/${transforms ? "transforms" : "gateway"}`,
        (WARMUP_S + seconds) * 1000,
      ),
    },
  );
  try {
    await waitReady(p, api);
    await sleep(WARMUP_S * 1000);
    const { counters: c0, at: t0 } = await nextReport(api);
    const [cpu, simCpu] = [meter(p.child.pid), meter(sim.child.pid)];
    await sleep(seconds * 1000);
    const [usage, simUsage] = [cpu(), simCpu()];
    const { counters: c1, at: t1 } = await nextReport(api);
    const window = (t1 - t0) / 1000;
    const delta = (k: string) => c1.has(k) ? c1.get(k)! - (c0.get(k) ?? 0) : undefined;
    // An actor creates a bucket's counter on its first poll in that bucket: absent means 0,
    // unless no bucket exists at all (a gateway without the histogram).
    const hasHistogram = pollStartLag.keys.some((k) => c1.has(k));
    return {
      name: `gateway: ${
        workers > 0 ? `${workers} modbus worker${workers > 1 ? "s" : ""}` : "default placement"
      }, no sinks${transforms ? ", a deadband filter and a 1-minute window on every tag" : ""}${
        coalesceMs > 0 ? `, coalesce_ms ${coalesceMs}` : ""
      }${flagsNote(v8Flags)}`,
      pollsPerS: (delta("polls") ?? NaN) / window,
      overruns: delta("overruns"),
      errors: delta("errors"),
      buckets: hasHistogram ? pollStartLag.keys.map((k) => delta(k) ?? 0) : undefined,
      usage,
      sim: simUsage,
    };
  } finally {
    await p.stop();
    await Deno.remove(config).catch(() => {});
  }
}

function table(rows: Result[], n: number): string {
  const f = (x: number | undefined, d = 1) =>
    x === undefined || Number.isNaN(x) ? "n/a" : x.toFixed(d);
  const q = (r: Result, p: 0.5 | 0.99) => {
    const b = f(r.buckets && pollStartLag.quantile(r.buckets, p), 2);
    return r.exact ? `${b} (exact ${f(p === 0.5 ? r.exact.p50 : r.exact.p99, 2)})` : b;
  };
  return [
    "| run | devices | polls/s | overruns | errors | jitter p50 ms | jitter p99 ms | CPU % of one core | RSS peak MB (end) | sim CPU % |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) =>
      `| ${r.name} | ${n} | ${f(r.pollsPerS)} | ${r.overruns ?? "n/a"} | ${r.errors ?? "n/a"} | ${
        q(r, 0.5)
      } | ${q(r, 0.99)} | ${f(r.usage.cpu)} | ${f(r.usage.peakMb, 0)} (${f(r.usage.endMb, 0)}) | ${
        f(r.sim.cpu)
      } |`
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      devices: { type: "string", default: "1000" },
      seconds: { type: "string", default: "30" },
      // gateway.placement.modbus: how many workers share the fleet (0: the gateway's default).
      workers: { type: "string", default: "0" },
      // V8 flags for the gateway process only (e.g. --max-semi-space-size=1); its workers share them.
      // The V8 flags `deno task start` picks for the fleet; pass --gateway-v8-flags= for V8's
      // defaults.
      "gateway-v8-flags": { type: "string" },
      // The plain loop's V8 flags; the same as the gateway's unless given, so both pay alike.
      "baseline-v8-flags": { type: "string" },
      "coalesce-ms": { type: "string", default: "0" },
      // Also the gateway with transforms on every tag (deadband filter, 1-minute window).
      transforms: { type: "boolean", default: false },
      // A directory for CPU profiles of the gateway's threads (see bench/profile.ts).
      profile: { type: "string" },
      forget: { type: "boolean", default: false },
    },
  });
  profileDir = args.profile;
  const n = Number(args.devices), seconds = Number(args.seconds);
  const gatewayFlags = args["gateway-v8-flags"] ?? v8FlagsFor(n);
  const fds = checkFdLimit(n);
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  const basePort = freePortRange(n);
  const started: Proc[] = [];
  const cleanup = () => Promise.all(started.map((p) => p.stop(3000)));
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => cleanup().finally(() => Deno.exit(130)));
  }
  try {
    const sim = new Proc("fleet sim", [
      "run",
      "-A",
      `${BENCH}modbus_fleet_sim.ts`,
      ...cliArgs({
        devices: n,
        "base-port": basePort,
        registers: 20,
        "max-seconds": 3 * seconds + 600,
      }),
    ]);
    started.push(sim);
    await sim.waitFor("ready", 60_000);
    const rows = [
      await runBaseline(
        sim,
        n,
        basePort,
        seconds,
        args["baseline-v8-flags"] ?? gatewayFlags,
      ),
      await runGateway(
        sim,
        n,
        basePort,
        seconds,
        Number(args.workers),
        Number(args["coalesce-ms"]),
        gatewayFlags,
      ),
      ...(args.forget
        ? [
          await runBaseline(
            sim,
            n,
            basePort,
            seconds,
            args["baseline-v8-flags"] ?? gatewayFlags,
            true,
          ),
        ]
        : []),
      ...(args.transforms
        ? [
          await runGateway(
            sim,
            n,
            basePort,
            seconds,
            Number(args.workers),
            Number(args["coalesce-ms"]),
            gatewayFlags,
            true,
          ),
        ]
        : []),
    ];
    console.log(
      `Modbus load (issue #3): ${n} devices × 20 holding registers (one FC3 each) every 1000 ms, ` +
        `${seconds} s measured after ${WARMUP_S} s warm-up, simulators in their own process ` +
        `(ports ${basePort}..${
          basePort + n - 1
        }). ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ` +
        `load average before the run ${load}, open-file limit ${fds}, ${
          new Date().toISOString()
        }.\n`,
    );
    console.log(table(rows, n));
    const [base, gw] = rows;
    const p99 = (r: Result) => (r.buckets && pollStartLag.quantile(r.buckets, 0.99)) ?? NaN;
    console.log(
      `\nsummary: Modbus ${n} devices: CPU ${gw.usage.cpu.toFixed(1)} % (plain loop ${
        base.usage.cpu.toFixed(1)
      } %, ${(gw.usage.cpu / base.usage.cpu).toFixed(2)}×), RSS peak ${
        gw.usage.peakMb.toFixed(0)
      } MB (${base.usage.peakMb.toFixed(0)} MB, ${
        (gw.usage.peakMb / base.usage.peakMb).toFixed(2)
      }×), ` +
        `jitter p99 ${p99(gw).toFixed(2)} ms (${p99(base).toFixed(2)} ms), overruns ${gw.overruns}`,
    );
    if (args.forget) {
      const careful = rows[2];
      console.log(
        `against the plain loop forgetting settled transactions: CPU ${
          careful.usage.cpu.toFixed(1)
        } % (${(gw.usage.cpu / careful.usage.cpu).toFixed(2)}×), RSS peak ${
          careful.usage.peakMb.toFixed(0)
        } MB (${(gw.usage.peakMb / careful.usage.peakMb).toFixed(2)}×)`,
      );
    }
    console.log(
      `\nJitter = poll start − due time. Percentiles are estimated from the lag histogram (buckets ` +
        `≤0.5, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 20, 50, 100, 250, 1000, >1000 ms) by linear ` +
        `interpolation inside the bucket, for both rows; "exact" is from every poll's lag. CPU: ` +
        `utime+stime of all threads over the window; RSS peak is VmHWM (process lifetime), end is ` +
        `VmRSS. Targets: no overruns, p99 ≤ 5 ms, RSS ≤ 200 MB.`,
    );
  } finally {
    await cleanup();
  }
}

if (import.meta.main) await main();
