// The OPC UA load scenario of issue #5: the simulator in its own process serves 10,000 Double
// variables that all change every second; a bare node-opcua client (baseline) and then the
// gateway subscribe to all of them at 1 s sampling and publishing, one after the other in the
// same run. Prints a Markdown table for BENCHMARKS.md.
//   deno task bench:opcua [--items 10000] [--seconds 30] [--v8-flags="<flags>;<flags>"]
import { parseArgs } from "node:util";
import { changeLatency } from "../actors/opcua/latency.ts";
import { actorCounters, waitReady } from "./gateway_api.ts";
import { cliArgs, Proc } from "./proc.ts";
import { meter, type Usage } from "./proc_usage.ts";
import { PERMISSIONS, V8_FLAGS } from "../tests/helpers/gateway_process.ts";
import { opcuaSimArgs } from "../tests/helpers/opcua_sim_process.ts";

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
  sim: Proc;
  endpoint: string;
  items: number;
  seconds: number;
  dir: string;
  v8Flags: string;
}

async function baseline({ sim, endpoint, items, seconds, dir, v8Flags }: Run) {
  const p = new Proc("bare client", [
    "run",
    "-A",
    ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
    "bench/opcua_bare_client.ts",
    ...cliArgs({ endpoint, items, seconds, "warmup-seconds": WARMUP_S, "pki-dir": `${dir}/bare` }),
  ]);
  try {
    await p.waitFor("measuring", 120_000);
    const [cpu, simCpu] = [meter(p.child.pid), meter(sim.child.pid)];
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

async function gateway({ sim, endpoint, items, seconds, dir, v8Flags }: Run) {
  const apiPort = freePort();
  const config = `${dir}/gateway.json`;
  const tags = Array.from({ length: items }, (_, i) => {
    const id = String(i).padStart(5, "0");
    return { name: `v${id}`, node_id: `ns=1;s=Load.V${id}`, type: "Double" };
  });
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      gateway: { name: "bench", log_level: "warn" },
      api: { host: "127.0.0.1", port: apiPort },
      devices: {
        load: {
          kind: "opcua",
          endpoint,
          pki_dir: `${dir}/gw`,
          subscription: { publishing_interval_ms: 1000, sampling_interval_ms: 1000 },
          tags,
        },
      },
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
    const [cpu, simCpu] = [meter(p.child.pid), meter(sim.child.pid)];
    await sleep(seconds * 1000 - 500);
    const c1 = await freshCounters(api), window = (performance.now() - t0) / 1000;
    const [usage, simUsage] = [cpu(), simCpu()];
    const delta = (k: string) => (c1.get(k) ?? 0) - (c0.get(k) ?? 0);
    const buckets = changeLatency.keys.map(delta);
    return {
      name: `gateway: one opcua device actor, no sinks${label(v8Flags)}`,
      samplesPerS: delta("samples_out") / window,
      p50: changeLatency.quantile(buckets, 0.5),
      p99: changeLatency.quantile(buckets, 0.99),
      usage,
      sim: simUsage,
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
    "| run | items | samples/s | change→sample p50 ms | p99 ms | CPU % of one core | RSS peak MB (end) | sim CPU % |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) =>
      `| ${r.name} | ${items} | ${f(r.samplesPerS)} | ${lat(r, "p50")} | ${lat(r, "p99")} | ${
        f(r.usage.cpu)
      } | ${f(r.usage.peakMb, 0)} (${f(r.usage.endMb, 0)}) | ${f(r.sim.cpu)} |`
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      items: { type: "string", default: "10000" },
      seconds: { type: "string", default: "30" },
      // V8 flag sets to run both clients with, separated by ";"; "" is V8's defaults. The first
      // default is what `deno task start` passes.
      "v8-flags": { type: "string", default: `${V8_FLAGS};` },
    },
  });
  const items = Number(args.items), seconds = Number(args.seconds);
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  const dir = await Deno.makeTempDir({ prefix: "tagflow-bench-opcua-" });
  const port = freePort();
  const endpoint = `opc.tcp://127.0.0.1:${port}/tagflow`;
  const sim = new Proc(
    "simulator",
    opcuaSimArgs({ name: "load", port, pkiDir: `${dir}/sim`, load: items }),
  );
  try {
    await sim.waitForText("simulator listening", 60_000);
    // Each V8 flag set: the bare client, then the gateway, so each pair shares its conditions.
    const rows: Row[] = [];
    for (const v8Flags of args["v8-flags"].split(";")) {
      const run = { sim, endpoint, items, seconds, dir, v8Flags };
      rows.push(await baseline(run));
      rows.push(await gateway(run));
    }
    console.log(
      `OPC UA load (issue #5): ${items} Double variables changing every 1000 ms, monitored at ` +
        `1000 ms sampling and publishing, queue 1; ${seconds} s measured after ${WARMUP_S} s ` +
        `warm-up; simulator in its own process. ${navigator.hardwareConcurrency} cores, Deno ` +
        `${Deno.version.deno}, load average before the run ${load}, ${new Date().toISOString()}.\n`,
    );
    console.log(table(rows, items));
    for (let i = 0; i < rows.length; i += 2) {
      const ratio = rows[i + 1].usage.cpu / rows[i].usage.cpu;
      console.log(
        `\n${rows[i + 1].name}: CPU ${ratio.toFixed(2)} × the bare client's with the same flags ` +
          `(target ≤ 1.20).`,
      );
    }
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await main();
