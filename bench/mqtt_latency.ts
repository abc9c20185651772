// Device → MQTT latency (the brief's aim: p99 ≤ 10 ms): a fleet simulator process serves N Modbus
// TCP devices of 20 holding registers; the gateway polls them and its MQTT sink publishes every
// value as JSON `{value, ts, quality}` (QoS 1) to a private Mosquitto; a subscriber in this process
// takes each message's age on arrival (now − `ts`, the poll's due time). Baseline in the same run:
// a plain modbus-serial + mqtt.js loop in its own process (bench/mqtt_latency_plain.ts), timed by
// the same subscriber. Prints a Markdown table for BENCHMARKS.md.
//   deno task bench:latency [--devices 100] [--interval-ms 1000] [--seconds 30] [--workers N]
//     [--gateway-v8-flags=…] [--together] (both at once, over the same window)
//     [--profile DIR] (a CPU profile of each gateway thread; `deno run -A bench/profile.ts DIR`)
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import { PERMISSIONS } from "../tests/helpers/gateway_process.ts";
import { v8FlagsFor } from "../src/v8_flags.ts";
import { profileEnv } from "./profile.ts";
import { waitReady } from "./gateway_api.ts";
import { ownBroker } from "./own_broker.ts";
import { quantile } from "./stats.ts";
import { freePortRange, loopbackPort } from "./ports.ts";
import { cliArgs, Proc } from "./proc.ts";
import { meter, type Usage } from "./proc_usage.ts";

const BENCH = fileURLToPath(new URL(".", import.meta.url));
const WARMUP_S = 5;
/** The topic prefixes of the plain loop's and the gateway's messages. */
const PLAIN = "lat/plain/", GATEWAY = "lat/gw/";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  name: string;
  ages: number[];
  seconds: number;
  usage: Usage;
}

/** The subscriber: every message's age by topic prefix, kept for the runs being measured. */
class Ages {
  measuring: Map<string, number[]> | undefined;
  constructor(readonly client: mqtt.MqttClient) {
    client.on("message", (topic, payload) => {
      const ages = this.measuring?.get(topic.slice(0, topic.indexOf("/", 4) + 1));
      if (!ages) return;
      const ts = JSON.parse(new TextDecoder().decode(payload)).ts as number;
      ages.push(Date.now() - ts);
    });
  }
  /**
   * Collects ages for `seconds` from each process (by its topic prefix, PLAIN or GATEWAY),
   * all in the same window; returns each one's with its CPU and memory.
   */
  async window(
    procs: { p: Proc; prefix: string }[],
    seconds: number,
  ): Promise<{ ages: number[]; usage: Usage }[]> {
    const lists = procs.map(() => [] as number[]);
    const usages = procs.map(({ p }) => meter(p.child.pid));
    this.measuring = new Map(procs.map(({ prefix }, i) => [prefix, lists[i]]));
    await sleep(seconds * 1000);
    this.measuring = undefined;
    return procs.map((_, i) => ({ ages: lists[i], usage: usages[i]() }));
  }
}

function gatewayConfig(
  n: number,
  o: { basePort: number; api: number; interval: number; url: string; workers: number },
) {
  const tags = Array.from(
    { length: 20 },
    (_, r) => ({ name: `r${r}`, address: `1!${40001 + r}`, type: "uint16" }),
  );
  return {
    gateway: {
      name: "bench",
      log_level: "warn",
      placement: o.workers > 0 ? { modbus: o.workers } : {},
    },
    api: { host: "127.0.0.1", port: o.api },
    devices: Object.fromEntries(Array.from({ length: n }, (_, i) => [
      `d${i}`,
      { kind: "modbus", host: "127.0.0.1", port: o.basePort + i, interval_ms: o.interval, tags },
    ])),
    sinks: { mqtt: { kind: "mqtt", url: o.url, topic_prefix: GATEWAY, qos: 1 } },
  };
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      devices: { type: "string", default: "100" },
      "interval-ms": { type: "string", default: "1000" },
      seconds: { type: "string", default: "30" },
      // gateway.placement.modbus: how many workers share the devices (0: the gateway's default).
      workers: { type: "string", default: "0" },
      // The gateway's V8 flags (default: those `deno task start` picks for the fleet; "" for V8's
      // defaults).
      "gateway-v8-flags": { type: "string" },
      // A directory for CPU profiles of the gateway's threads (see bench/profile.ts).
      profile: { type: "string" },
      // Both at once, measured over the same window (each polling the simulated fleet), so the
      // machine's drift between two windows (a shared VM) falls on both alike.
      together: { type: "boolean", default: false },
    },
  });
  const n = Number(args.devices), interval = Number(args["interval-ms"]);
  const seconds = Number(args.seconds), together = args.together;
  const startFlags = v8FlagsFor(n), v8Flags = args["gateway-v8-flags"] ?? startFlags;
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  const basePort = freePortRange(n);
  const broker = await ownBroker();
  const started: Proc[] = [];
  const rows: Row[] = [];
  const sub = await mqtt.connectAsync(broker.url, { clean: true });
  try {
    await sub.subscribeAsync("lat/#", { qos: 0 });
    const ages = new Ages(sub);
    const sim = new Proc("fleet sim", [
      "run",
      "-A",
      `${BENCH}modbus_fleet_sim.ts`,
      ...cliArgs({ devices: n, "base-port": basePort, registers: 20, "max-seconds": 600 }),
    ]);
    started.push(sim);
    await sim.waitFor("ready", 60_000);

    const plain = new Proc("plain loop", [
      "run",
      "-A",
      `${BENCH}mqtt_latency_plain.ts`,
      ...cliArgs({
        devices: n,
        "base-port": basePort,
        "interval-ms": interval,
        seconds: 600, // stopped once measured
        url: broker.url,
        prefix: PLAIN,
      }),
    ]);
    started.push(plain);
    await plain.waitFor("ready", 60_000);
    const plainRow = "baseline: plain modbus-serial + mqtt.js loop";
    const gwRow = v8Flags === startFlags
      ? "gateway as `deno task start` runs it (modbus → mqtt sink)"
      : `gateway (modbus → mqtt sink), --v8-flags=${v8Flags}`;
    if (!together) {
      await sleep(WARMUP_S * 1000);
      const [m] = await ages.window([{ p: plain, prefix: PLAIN }], seconds);
      rows.push({ name: plainRow, seconds, ...m });
      await plain.stop();
    }

    const api = loopbackPort();
    const config = await Deno.makeTempFile({ prefix: "tagflow-bench-", suffix: ".json" });
    await Deno.writeTextFile(
      config,
      JSON.stringify(
        gatewayConfig(n, {
          basePort,
          api,
          interval,
          url: broker.url,
          workers: Number(args.workers),
        }),
      ),
    );
    const gw = new Proc("gateway", [
      "run",
      ...PERMISSIONS,
      ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
      "src/main.ts",
      "--config",
      config,
    ], profileEnv(args.profile, (WARMUP_S + seconds) * 1000));
    started.push(gw);
    await waitReady(gw, `http://127.0.0.1:${api}`);
    await sleep(WARMUP_S * 1000);
    const measured = await ages.window([
      ...(together ? [{ p: plain, prefix: PLAIN }] : []),
      { p: gw, prefix: GATEWAY },
    ], seconds);
    if (together) rows.push({ name: plainRow, seconds, ...measured.shift()! });
    rows.push({ name: gwRow, seconds, ...measured[0] });
    await gw.stop();
    await plain.stop();
    await Deno.remove(config).catch(() => {});
  } finally {
    await Promise.all(started.map((p) => p.stop(3000).catch(() => {})));
    await sub.endAsync();
    broker.child.kill();
    await broker.child.status;
  }
  console.log(
    `Device → MQTT latency: ${n} Modbus devices × 20 registers every ${interval} ms, each value ` +
      `published at QoS 1, ${seconds} s measured after ${WARMUP_S} s warm-up` +
      `${together ? ", the plain loop and the gateway at once" : ""}; load average before ` +
      `the run ${load}; ${new Date().toISOString()}.\n`,
  );
  console.log(
    "| run | values/s | age p50 ms | p99 ms | max ms | CPU % of one core | RSS peak MB |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${(r.ages.length / r.seconds).toFixed(0)} | ${quantile(r.ages, 0.5)} | ${
        quantile(r.ages, 0.99)
      } | ${Math.max(...r.ages)} | ${r.usage.cpu.toFixed(1)} | ${r.usage.peakMb.toFixed(0)} |`,
    );
  }
  const [base, gw] = rows;
  if (base && gw) {
    console.log(
      `\nsummary: device → MQTT p99 ${quantile(gw.ages, 0.99)} ms (plain loop ${
        quantile(base.ages, 0.99)
      } ms), p50 ${quantile(gw.ages, 0.5)} ms (${quantile(base.ages, 0.5)}); CPU ${
        gw.usage.cpu.toFixed(1)
      } % (plain ${base.usage.cpu.toFixed(1)} %, ${(gw.usage.cpu / base.usage.cpu).toFixed(2)}×)`,
    );
  }
}

if (import.meta.main) await main();
