// The OPC UA load scenario of issue #5: simulators, each in its own process, serve 10,000 Double
// variables between them that all change every second; a bare node-opcua client (baseline) and
// then the gateway subscribe to all of them at 1 s sampling and publishing, one after the other
// in the same run. One simulator process serves at most 25,000 items by default: a node-opcua
// server saturates a core near 60,000 changes a second. Prints a Markdown table for BENCHMARKS.md.
//   deno task bench:opcua [--items 10000] [--servers N] [--seconds 30] [--v8-flags="<f>;<f>"]
import { parseArgs } from "node:util";
import { changeLatency } from "../actors/opcua/latency.ts";
import { actorCounters, waitReady } from "./gateway_api.ts";
import { cliArgs, Proc } from "./proc.ts";
import { meter, type Usage } from "./proc_usage.ts";
import { PERMISSIONS, V8_FLAGS } from "../tests/helpers/gateway_process.ts";
import { opcuaSimArgs } from "../tests/helpers/opcua_sim_process.ts";
import { split } from "./stats.ts";

const WARMUP_S = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  name: string;
  samplesPerS: number;
  p50?: number;
  p99?: number;
  exact?: { p50: number; p99: number; max: number };
  usage: Usage;
  sim: Usage;
  /** Samples the gateway dropped in the window (its queues full); none for the bare client. */
  dropped?: number;
}

const label = (v8Flags: string) => v8Flags ? ` (${v8Flags})` : ", V8 defaults";

function freePort(): number {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch { /* taken */ }
  }
}

/** What the bare client and the gateway run against, and how. */
interface Run {
  sims: Proc[];
  endpoints: string[];
  /** How many of the items each simulator serves, in the order of `endpoints`. */
  shares: number[];
  items: number;
  seconds: number;
  dir: string;
  v8Flags: string;
  /** The sampling interval both clients ask for; 0 is exception-based (each change as it comes). */
  samplingMs: number;
}

/** Starts watching every simulator process; the function returned gives their summed usage. */
function meterAll(sims: Proc[]): () => Usage {
  const meters = sims.map((s) => meter(s.child.pid));
  return () =>
    meters.map((m) => m()).reduce((a, u) => ({
      cpu: a.cpu + u.cpu,
      peakMb: a.peakMb + u.peakMb,
      endMb: a.endMb + u.endMb,
    }));
}

async function baseline({ sims, endpoints, items, seconds, dir, v8Flags, samplingMs }: Run) {
  const p = new Proc("bare client", [
    "run",
    "-A",
    ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
    "bench/opcua_bare_client.ts",
    ...endpoints.flatMap((e) => ["--endpoint", e]),
    ...cliArgs({
      items,
      seconds,
      "sampling-ms": samplingMs,
      "warmup-seconds": WARMUP_S,
      "pki-dir": `${dir}/bare`,
    }),
  ]);
  try {
    await p.waitFor("measuring", 120_000);
    const [cpu, simCpu] = [meter(p.child.pid), meterAll(sims)];
    const out = await p.waitFor("samples_per_s", (seconds + 60) * 1000);
    const [usage, simUsage] = [cpu(), simCpu()];
    const buckets = out.buckets as number[];
    return {
      name: `baseline: bare node-opcua client${label(v8Flags)}`,
      samplesPerS: out.samples_per_s as number,
      p50: changeLatency.quantile(buckets, 0.5),
      p99: changeLatency.quantile(buckets, 0.99),
      exact: out.latency_ms as Row["exact"],
      usage,
      sim: simUsage,
    } satisfies Row;
  } finally {
    await p.stop();
  }
}

const counters = (api: string) => actorCounters(api, "opcua");

/** The counters as soon as `samples_out` differs from the last report seen (or from `than`). */
async function freshCounters(
  api: string,
  than?: Map<string, number>,
): Promise<Map<string, number>> {
  const before = than?.get("samples_out") ?? (await counters(api)).get("samples_out");
  for (;;) {
    const now = await counters(api);
    if (now.get("samples_out") !== before) return now;
    await sleep(20);
  }
}

/** The gateway's devices: one per simulator, its share of the items each. */
function devices({ endpoints, shares, dir, samplingMs }: Run) {
  return Object.fromEntries(endpoints.map((endpoint, k) => {
    const tags = Array.from({ length: shares[k] }, (_, i) => {
      const id = String(i).padStart(5, "0");
      return { name: `v${id}`, node_id: `ns=1;s=Load.V${id}`, type: "Double" };
    });
    const device = {
      kind: "opcua",
      endpoint,
      pki_dir: `${dir}/gw`,
      subscription: { publishing_interval_ms: 1000, sampling_interval_ms: samplingMs },
      tags,
    };
    return [endpoints.length === 1 ? "load" : `load${k + 1}`, device];
  }));
}

async function gateway(run: Run) {
  const { sims, endpoints, seconds, v8Flags } = run;
  const apiPort = freePort();
  const config = `${run.dir}/gateway.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      gateway: { name: "bench", log_level: "warn" },
      api: { host: "127.0.0.1", port: apiPort },
      devices: devices(run),
    }),
  );
  const api = `http://127.0.0.1:${apiPort}`;
  const flags = v8Flags ? [`--v8-flags=${v8Flags}`] : [];
  const p = new Proc("gateway", [
    "run",
    ...PERMISSIONS,
    ...flags,
    "src/main.ts",
    "--config",
    config,
  ]);
  try {
    await waitReady(p, api, async () => ((await counters(api)).get("samples_out") ?? 0) > 0);
    await sleep(WARMUP_S * 1000);
    // The counters reach the API once a second and the samples come in one burst a second, so
    // the window starts and ends as a new report arrives: it then holds whole bursts only.
    const c0 = await freshCounters(api), t0 = performance.now();
    const [cpu, simCpu] = [meter(p.child.pid), meterAll(sims)];
    await sleep(seconds * 1000 - 500);
    const c1 = await freshCounters(api), window = (performance.now() - t0) / 1000;
    const [usage, simUsage] = [cpu(), simCpu()];
    const delta = (k: string) => (c1.get(k) ?? 0) - (c0.get(k) ?? 0);
    const buckets = changeLatency.keys.map(delta);
    return {
      name: `gateway: ${
        endpoints.length === 1 ? "one opcua device" : `${endpoints.length} opcua devices`
      }, no sinks${label(v8Flags)}`,
      samplesPerS: delta("samples_out") / window,
      p50: changeLatency.quantile(buckets, 0.5),
      p99: changeLatency.quantile(buckets, 0.99),
      usage,
      sim: simUsage,
      dropped: delta("dropped"),
    } satisfies Row;
  } finally {
    await p.stop();
  }
}

function table(rows: Row[], items: number): string {
  const f = (x: number | undefined, d = 1) =>
    x === undefined || Number.isNaN(x) ? "n/a" : x.toFixed(d);
  const lat = (r: Row, p: "p50" | "p99") =>
    `${f(r[p], 0)}${r.exact ? ` (exact ${f(r.exact[p], 0)})` : ""}`;
  return [
    "| run | items | samples/s | dropped | change→sample p50 ms | p99 ms | CPU % of one core | RSS peak MB (end) | sim CPU % |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) =>
      `| ${r.name} | ${items} | ${f(r.samplesPerS)} | ${r.dropped ?? "–"} | ${lat(r, "p50")} | ${
        lat(r, "p99")
      } | ${f(r.usage.cpu)} | ${f(r.usage.peakMb, 0)} (${f(r.usage.endMb, 0)}) | ${f(r.sim.cpu)} |`
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      items: { type: "string", default: "10000" },
      // Simulator processes; by default one per 25,000 items.
      servers: { type: "string" },
      // The sampling interval both clients ask for; 0: exception-based.
      "sampling-ms": { type: "string", default: "1000" },
      seconds: { type: "string", default: "30" },
      // V8 flag sets to run both clients with, separated by ";"; "" is V8's defaults. The first
      // default is what `deno task start` passes.
      "v8-flags": { type: "string", default: `${V8_FLAGS};` },
    },
  });
  const items = Number(args.items), seconds = Number(args.seconds);
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  const dir = await Deno.makeTempDir({ prefix: "tagflow-bench-opcua-" });
  const servers = Number(args.servers ?? Math.ceil(items / 25_000));
  const shares = split(items, servers);
  const ports = Array.from({ length: servers }, freePort);
  const endpoints = ports.map((port) => `opc.tcp://127.0.0.1:${port}/tagflow`);
  const sims = ports.map((port, k) =>
    new Proc(
      `simulator ${k + 1}`,
      opcuaSimArgs({
        name: `load${k + 1}`,
        port,
        pkiDir: `${dir}/sim${k + 1}`,
        load: shares[k],
      }),
    )
  );
  try {
    await Promise.all(sims.map((sim) => sim.waitForText("simulator listening", 120_000)));
    // Each V8 flag set: the bare client, then the gateway, so each pair shares its conditions.
    const rows: Row[] = [];
    for (const v8Flags of args["v8-flags"].split(";")) {
      const samplingMs = Number(args["sampling-ms"]);
      const run = { sims, endpoints, shares, items, seconds, dir, v8Flags, samplingMs };
      rows.push(await baseline(run));
      rows.push(await gateway(run));
    }
    console.log(
      `OPC UA load (issue #5): ${items} Double variables changing every 1000 ms, monitored at ` +
        `${
          args["sampling-ms"]
        } ms sampling, 1000 ms publishing, queue 1; ${seconds} s measured after ${WARMUP_S} s ` +
        `warm-up; ${servers} simulator process${
          servers === 1 ? "" : "es"
        }. ${navigator.hardwareConcurrency} cores, Deno ` +
        `${Deno.version.deno}, load average before the run ${load}, ${new Date().toISOString()}.\n`,
    );
    console.log(table(rows, items));
    for (let i = 0; i < rows.length; i += 2) {
      const ratio = rows[i + 1].usage.cpu / rows[i].usage.cpu;
      console.log(
        `\n${rows[i + 1].name}: CPU ${ratio.toFixed(2)} × the bare client's with the same flags ` +
          `(target ≤ 1.20), RSS peak ${rows[i + 1].usage.peakMb.toFixed(0)} MB (target < 600).`,
      );
    }
  } finally {
    await Promise.all(sims.map((sim) => sim.stop()));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await main();
