// Sparkplug DDATA publishing rate through the gateway (MQTT source → disk buffer → Sparkplug
// sink → broker), next to a bare mqtt.js publisher sending the same encoded payloads in the same
// run. The primary host is offline while the points are fed, so they wait in the sink's buffer;
// its STATE going online starts the drain, timed by a subscriber from then to the last DDATA.
// Then the bare publisher sends every DDATA payload the subscriber saw, back to back (QoS 0, as
// the sink does), and a plain loop encodes the same points from memory and publishes them (the
// sink's job without the runtime); each runs in its own process as the gateway does
// (bench/sparkplug_publisher.ts), started by a message and timed by a subscriber to the last
// arrival. Prints one summary line and a Markdown table.
//   deno task bench:sparkplug [--points 1000000] [--tags 10] [--per-message 10] [--repeats 3]
//     [--profile DIR]
//   BENCH_GATEWAY_V8_FLAGS="" runs the gateway with V8's default flags.
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import { PERMISSIONS } from "../tests/helpers/gateway_process.ts";
import { gatewayV8Args } from "./gateway_flags.ts";
import protobuf from "protobufjs";
import { actorCounters } from "./gateway_api.ts";
import { ownBroker } from "./own_broker.ts";
import { loopbackPort } from "./ports.ts";
import { Proc } from "./proc.ts";
import { meter, type Usage } from "./proc_usage.ts";
import { payloadFile } from "./sparkplug_publisher.ts";
import { profileEnv } from "./profile.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** With --profile: each thread of the gateway is profiled this long from its start. */
const PROFILE_MS = 120_000;

/** Waits for the gateway's profiles (main thread and workers) at the end of their window. */
async function profilesWritten(dir: string, gw: Proc): Promise<void> {
  for (let i = 0; i < PROFILE_MS / 500 + 60; i++) {
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    // Workers start after the main thread, so their windows end a little later.
    if (names.some((n) => n.startsWith("main"))) {
      await sleep(5_000);
      return;
    }
    await sleep(500);
  }
  throw new Error(`no profiles in ${dir}: ${gw.tail}`);
}
const HOST = "bench-host";

interface Timed {
  metrics: number;
  ms: number;
  usage?: Usage;
}

/** The metrics of a payload (field 2), counted by skipping through its top level. */
function metricCount(bytes: Uint8Array): number {
  const r = protobuf.Reader.create(bytes);
  let n = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 2) n++;
    r.skipType(tag & 7);
  }
  return n;
}

/** Counts DDATA metrics as they arrive; keeps the payloads for the bare publisher. */
class Arrivals {
  payloads: Uint8Array[] = [];
  metrics = 0;
  last = 0;
  constructor(client: mqtt.MqttClient, readonly keep: boolean) {
    client.on("message", (topic, payload) => {
      if (!topic.includes("/DDATA/")) return;
      const now = performance.now();
      this.last = now;
      this.metrics += metricCount(payload);
      if (this.keep) this.payloads.push(new Uint8Array(payload));
    });
  }
  /** Waits for `metrics` metrics; the time is from `start` (performance.now()) to the last one. */
  async until(metrics: number, ms: number, start: number): Promise<Timed> {
    const deadline = performance.now() + ms;
    while (this.metrics < metrics) {
      if (performance.now() > deadline) {
        throw new Error(`only ${this.metrics} of ${metrics} metrics arrived in ${ms} ms`);
      }
      await sleep(20);
    }
    return { metrics: this.metrics, ms: this.last - start };
  }
}

async function gatewayRun(
  url: string,
  points: number,
  tags: number,
  perMessage: number,
  profileDir?: string,
): Promise<Timed & { payloads: Uint8Array[] }> {
  const api = loopbackPort();
  const dir = await Deno.makeTempDir({ prefix: "tagflow-sparkplug-bench-" });
  const config = `${dir}/config.json`;
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      gateway: { name: "bench", log_level: "warn" },
      api: { host: "127.0.0.1", port: api },
      devices: {
        feed: {
          kind: "mqtt",
          url,
          subscriptions: [{ topic: "bench/in" }],
          mapping: { device: "feed", values_path: "" },
          buffer: { dir: `${dir}/feed`, fsync: "never" },
        },
      },
      sinks: {
        sp: {
          kind: "sparkplug",
          url,
          group_id: "bench",
          primary_host_id: HOST,
          max_metrics_per_message: perMessage,
          buffer: { dir: `${dir}/sp`, fsync: "never" },
        },
      },
    }),
  );
  const control = await mqtt.connectAsync(url, { clientId: "bench-control" });
  const state = (online: boolean) =>
    control.publishAsync(
      `spBv1.0/STATE/${HOST}`,
      JSON.stringify({ online, timestamp: Date.now() }),
      {
        qos: 1,
        retain: true,
      },
    );
  await state(false);
  const sub = await mqtt.connectAsync(url, { clientId: "bench-sub" });
  await sub.subscribeAsync("spBv1.0/bench/#", { qos: 0 });
  const arrivals = new Arrivals(sub, true);
  const gwStart = performance.now();
  const gw = new Proc("gateway", [
    "run",
    ...PERMISSIONS,
    ...gatewayV8Args(),
    "src/main.ts",
    "--config",
    config,
  ], profileEnv(profileDir, PROFILE_MS));
  const apiUrl = `http://127.0.0.1:${api}`;
  try {
    // Up once the source has subscribed (what it is sent before is not kept for it).
    for (let i = 0;; i++) {
      const actors = await fetch(`${apiUrl}/api/actors`).then((r) => r.json(), () => []) as {
        id: string;
        state: string;
      }[];
      if (actors.find((a) => a.id === "feed")?.state === "running") break;
      if (i > 600) throw new Error(`the gateway's source is not running: ${gw.tail}`);
      await sleep(100);
    }
    // The feed: every message `tags` values, each point once; the sink holds them.
    const feeder = await mqtt.connectAsync(url, { clientId: "bench-feeder" });
    const messages = points / tags;
    for (let i = 0; i < messages; i++) {
      const values = Object.fromEntries(
        Array.from({ length: tags }, (_, t) => [`t${t}`, i * tags + t]),
      );
      feeder.publish("bench/in", JSON.stringify(values), { qos: 1 });
      if (i % 500 === 499) await sleep(5);
    }
    await feeder.endAsync();
    for (let i = 0;; i++) {
      const c = await actorCounters(apiUrl, "sparkplug");
      if ((c.get("samples_in") ?? 0) >= points) break;
      if (i > 1200) {
        const all = await fetch(`${apiUrl}/api/actors`).then((r) => r.text());
        throw new Error(`the sink took ${c.get("samples_in")} of ${points} points: ${all}`);
      }
      await sleep(100);
    }
    // Profiling: the drain starts 15 s before the profiles' window ends, so they hold it whole.
    if (profileDir) {
      const wait = gwStart + PROFILE_MS - 15_000 - performance.now();
      if (wait < 0) throw new Error("the feed outlasted the profiles' window: use fewer --points");
      await sleep(wait);
    }
    const usage = meter(gw.child.pid);
    const start = performance.now();
    await state(true);
    const timed = await arrivals.until(points, 300_000, start);
    if (profileDir) await profilesWritten(profileDir, gw);
    return { ...timed, usage: usage(), payloads: arrivals.payloads };
  } finally {
    await state(false);
    await control.publishAsync(`spBv1.0/STATE/${HOST}`, "", { qos: 1, retain: true });
    await control.endAsync();
    await sub.endAsync();
    await gw.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * A baseline publisher in its own process (bench/sparkplug_publisher.ts: `bare` sends the
 * gateway's payloads, `plain` encodes the points from memory), timed by a subscriber from the
 * message that starts it to the last arrival, as the gateway's drain is.
 */
async function baselineRun(url: string, mode: "bare" | "plain", args: string[], points: number) {
  const sub = await mqtt.connectAsync(url, { clientId: `bench-sub-${mode}` });
  await sub.subscribeAsync(`spBv1.0/${mode}/#`, { qos: 0 });
  const arrivals = new Arrivals(sub, false);
  const pub = new Proc(mode, ["run", "-A", "bench/sparkplug_publisher.ts", mode, url, ...args]);
  try {
    await pub.waitFor("ready", 60_000);
    const usage = meter(pub.child.pid);
    const start = performance.now();
    await sub.publishAsync("bench/go", "go", { qos: 0 });
    const timed = await arrivals.until(points, 300_000, start);
    return { ...timed, usage: usage() };
  } finally {
    await pub.stop();
    await sub.endAsync();
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      points: { type: "string", default: "1000000" },
      tags: { type: "string", default: "10" },
      repeats: { type: "string", default: "3" },
      // The sink's max_metrics_per_message: 10 is a device's poll, 1000 a backlog's bulk.
      "per-message": { type: "string", default: "10" },
      // Keeps a V8 CPU profile of each of the gateway's threads over its first two minutes (start,
      // feed and drain) in this directory; see bench/profile.ts.
      profile: { type: "string" },
    },
  });
  const points = Number(args.points), tags = Number(args.tags), repeats = Number(args.repeats);
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  const broker = await ownBroker();
  const rows: { gw: Timed; bare: Timed; plain: Timed }[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      const gw = await gatewayRun(
        broker.url,
        points,
        tags,
        Number(args["per-message"]),
        args.profile,
      );
      const file = await Deno.makeTempFile({ prefix: "tagflow-sparkplug-payloads-" });
      payloadFile(file, gw.payloads);
      const bare = await baselineRun(broker.url, "bare", [file], points);
      await Deno.remove(file);
      const plain = await baselineRun(
        broker.url,
        "plain",
        [String(points), String(tags), args["per-message"]!],
        points,
      );
      rows.push({ gw, bare, plain });
    }
  } finally {
    broker.child.kill();
    await broker.child.status;
  }
  const rate = (t: Timed) => t.metrics / (t.ms / 1000);
  console.log(
    `Sparkplug DDATA rate: ${points} points (${tags} tags a message into the MQTT source, up to ` +
      `${args["per-message"]} metrics a DDATA) held in ` +
      `the sink's buffer while the primary host is offline, then drained; ${repeats} runs; load ` +
      `average before ${load}; ${new Date().toISOString()}.\n`,
  );
  console.log(
    "| run | gateway metrics/s | plain encode + publish loop | bare mqtt.js, payloads encoded already | gateway ÷ plain | gateway ÷ bare | gateway CPU % | bare CPU % | gateway RSS MB |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const pct = (a: Timed, b: Timed) => `${(rate(a) / rate(b) * 100).toFixed(0)} %`;
  rows.forEach((r, i) => {
    console.log(
      `| ${i + 1} | ${rate(r.gw).toFixed(0)} | ${rate(r.plain).toFixed(0)} | ${
        rate(r.bare).toFixed(0)
      } | ${pct(r.gw, r.plain)} | ${pct(r.gw, r.bare)} | ${r.gw.usage!.cpu.toFixed(0)} | ${
        r.bare.usage!.cpu.toFixed(0)
      } | ${r.gw.usage!.peakMb.toFixed(0)} |`,
    );
  });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [g, p, b] = [
    median(rows.map((r) => rate(r.gw))),
    median(rows.map((r) => rate(r.plain))),
    median(rows.map((r) => rate(r.bare))),
  ];
  console.log(
    `\nsummary: sparkplug DDATA ${g.toFixed(0)} metrics/s through the gateway, plain loop ${
      p.toFixed(0)
    } (${(g / p * 100).toFixed(0)} %), bare mqtt.js ${b.toFixed(0)} (${
      (g / b * 100).toFixed(0)
    } %), median of ${repeats}`,
  );
}

if (import.meta.main) await main();
