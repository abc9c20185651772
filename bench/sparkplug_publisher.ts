// A baseline publisher of bench:sparkplug, run in its own process as the gateway is, so both
// share the box with the broker and the subscriber alike. Connects, subscribes to bench/go and
// prints {"ready":true}; on the first message there, publishes its DDATA (QoS 0) back to back:
//   bare URL FILE             the payloads in FILE (each a 4-byte big-endian length, then bytes)
//   plain URL POINTS TAGS PER  the points encoded from memory (protobufjs, the sink's schema),
//                              PER metrics a DDATA: the sink's job without the runtime
// Stays until SIGTERM (the bench reads its CPU time from /proc up to the last arrival).
import { Buffer } from "node:buffer";
import mqtt from "mqtt";
import { encodePayload } from "../actors/sparkplug/proto.ts";

const [mode, url, ...rest] = Deno.args;

/** The payloads of a file written by `payloadFile`. */
function readPayloads(path: string): Buffer[] {
  const all = Deno.readFileSync(path);
  const view = new DataView(all.buffer);
  const out: Buffer[] = [];
  for (let at = 0; at < all.length;) {
    const n = view.getUint32(at);
    out.push(Buffer.from(all.subarray(at + 4, at + 4 + n)));
    at += 4 + n;
  }
  return out;
}

/** Writes payloads as this publisher's `bare` mode reads them. */
export function payloadFile(path: string, payloads: Uint8Array[]): void {
  const size = payloads.reduce((n, p) => n + 4 + p.length, 0);
  const all = new Uint8Array(size);
  const view = new DataView(all.buffer);
  let at = 0;
  for (const p of payloads) {
    view.setUint32(at, p.length);
    all.set(p, at + 4);
    at += 4 + p.length;
  }
  Deno.writeFileSync(path, all);
}

const yieldNow = () => new Promise((r) => setTimeout(r, 0));

async function bare(client: mqtt.MqttClient, file: string): Promise<void> {
  const payloads = readPayloads(file);
  await go(client);
  for (let i = 0; i < payloads.length; i++) {
    client.publish("spBv1.0/bare/DDATA/bench/feed", payloads[i], { qos: 0 });
    // Let the socket drain now and then rather than queue everything first.
    if (i % 1000 === 999) await yieldNow();
  }
}

async function plain(client: mqtt.MqttClient, points: number, tags: number, per: number) {
  await go(client);
  const base = Date.now();
  for (let i = 0, seq = 0; i < points; i += per, seq = (seq + 1) % 256) {
    const metrics = [];
    for (let k = i; k < Math.min(points, i + per); k++) {
      metrics.push({ alias: 2 + (k % tags), timestamp: base + k, double_value: k });
    }
    const bytes = encodePayload({ timestamp: Date.now(), metrics, seq });
    client.publish("spBv1.0/plain/DDATA/bench/feed", Buffer.from(bytes), { qos: 0 });
    if (i % (per * 1000) === per * 999) await yieldNow();
  }
}

/** Resolves on the first message to bench/go. */
async function go(client: mqtt.MqttClient): Promise<void> {
  const started = new Promise<void>((resolve) => client.once("message", () => resolve()));
  await client.subscribeAsync("bench/go", { qos: 0 });
  console.log(JSON.stringify({ ready: true }));
  await started;
}

if (import.meta.main) {
  const client = await mqtt.connectAsync(url, { clientId: `bench-${mode}` });
  if (mode === "bare") await bare(client, rest[0]);
  else await plain(client, Number(rest[0]), Number(rest[1]), Number(rest[2]));
  const idle = setInterval(() => {}, 60_000);
  Deno.addSignalListener("SIGTERM", () => {
    clearInterval(idle);
    client.end(true, {}, () => Deno.exit(0));
  });
}
