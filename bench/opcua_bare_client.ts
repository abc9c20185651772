// The baseline of the OPC UA load scenario: a bare node-opcua client subscribed to the same items
// with the same parameters as the gateway, counting notifications and their change-to-sample
// latency (arrival − source timestamp). With several endpoints, one session each, the items split
// evenly between them. Prints {"measuring":…} after the warm-up, then a result.
//   deno run -A bench/opcua_bare_client.ts --endpoint URL [--endpoint URL ...] --items 10000
//     --seconds 30
import {
  AttributeIds,
  CertificateManager,
  OPCUACertificateManager,
  OPCUAClient,
  TimestampsToReturn,
} from "node-opcua";
import { parseArgs } from "node:util";
import { changeLatency } from "../actors/opcua/latency.ts";
import { split } from "./stats.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    endpoint: { type: "string", multiple: true, default: [] },
    items: { type: "string", default: "10000" },
    seconds: { type: "string", default: "30" },
    "warmup-seconds": { type: "string", default: "5" },
    "sampling-ms": { type: "string", default: "1000" },
    "pki-dir": { type: "string", default: "data/pki/bench-bare" },
  },
});
const items = Number(args.items), seconds = Number(args.seconds);
const manager = new OPCUACertificateManager({
  rootFolder: args["pki-dir"],
  disableFileWatchers: true,
});
let measuring = false, count = 0;
const latencies: number[] = [];
const counters: Record<string, number> = {};
const endpoints = args.endpoint, shares = split(items, endpoints.length);

/** One session on one server, subscribed to `n` of its load variables. */
async function subscribe(endpoint: string, n: number) {
  const client = OPCUAClient.create({
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
    clientCertificateManager: manager,
  });
  await client.connect(endpoint);
  const session = await client.createSession();
  const subscription = await session.createSubscription2({
    requestedPublishingInterval: 1000,
    requestedLifetimeCount: 60,
    requestedMaxKeepAliveCount: 10,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
    priority: 1,
  });
  const ids = Array.from({ length: n }, (_, i) => `ns=1;s=Load.V${String(i).padStart(5, "0")}`);
  for (let i = 0; i < n; i += 1000) {
    const group = await subscription.monitorItems(
      ids.slice(i, i + 1000).map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
      { samplingInterval: Number(args["sampling-ms"]), queueSize: 1, discardOldest: true },
      TimestampsToReturn.Both,
    );
    group.on("changed", (_item, dv) => {
      if (!measuring) return;
      count++;
      const ms = Date.now() - (dv.sourceTimestamp?.getTime() ?? Date.now());
      latencies.push(ms);
      changeLatency.observe(counters, ms);
    });
  }
  return { client, session, subscription };
}

// One after the other: the first connection makes the client's certificate for all of them.
const sessions = [];
for (const [k, e] of endpoints.entries()) {
  sessions.push(await subscribe(e, shares[k]));
}
await new Promise((r) => setTimeout(r, Number(args["warmup-seconds"]) * 1000));
measuring = true;
const t0 = performance.now();
console.log(JSON.stringify({ measuring: true }));
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const window = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
console.log(JSON.stringify({
  samples_per_s: count / window,
  latency_ms: { p50: q(0.5), p99: q(0.99), max: latencies.at(-1) },
  buckets: changeLatency.counts(counters),
}));
// Stay up until told to stop, so the runner can read this process's memory after the window.
await new Promise((resolve) => Deno.addSignalListener("SIGTERM", () => resolve(undefined)));
for (const { client, session, subscription } of sessions) {
  await subscription.terminate();
  await session.close();
  await client.disconnect();
}
await manager.dispose();
await CertificateManager.disposeAll();
