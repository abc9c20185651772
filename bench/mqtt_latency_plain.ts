// The baseline of the device → MQTT latency bench: a plain loop that reads each device's holding
// registers at a fixed rate (modbus-serial) and publishes every value as JSON `{value, ts}`
// (mqtt.js, QoS 1), `ts` being the poll's due time as the gateway stamps it. No actors, workers,
// batches or buffers.
//   deno run -A bench/mqtt_latency_plain.ts --devices 100 --base-port 20000 --url mqtt://…
//     --prefix lat/plain/ [--registers 20] [--interval-ms 1000] [--seconds 40]
// Prints {"ready":true} once every client is connected; stops after --seconds.
import Modbus from "modbus-serial";
import mqtt from "mqtt";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    devices: { type: "string", default: "100" },
    "base-port": { type: "string", default: "20000" },
    registers: { type: "string", default: "20" },
    "interval-ms": { type: "string", default: "1000" },
    seconds: { type: "string", default: "40" },
    url: { type: "string", default: "mqtt://127.0.0.1:1883" },
    prefix: { type: "string", default: "lat/plain/" },
  },
});
const n = Number(args.devices), interval = Number(args["interval-ms"]);
const basePort = Number(args["base-port"]), registers = Number(args.registers);
const Client = Modbus.default; // Deno types the CommonJS default import as the module

const broker = await mqtt.connectAsync(args.url, { clean: true });
const clients = await Promise.all(Array.from({ length: n }, async (_, i) => {
  const c = new Client();
  await c.connectTCP("127.0.0.1", { port: basePort + i });
  c.setID(1);
  c.setTimeout(interval);
  return c;
}));
console.log(JSON.stringify({ ready: true }));

const t0 = performance.now() + 100, end = t0 + Number(args.seconds) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Device i: polls due at t0 + i/N of the interval + k intervals; a late poll skips, never queues. */
async function device(i: number): Promise<void> {
  for (let due = t0 + (i * interval) / n; due < end; due += interval) {
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else if (-wait > interval) continue;
    const ts = Math.round(Date.now() - (performance.now() - due));
    try {
      const { data } = await clients[i].readHoldingRegisters(0, registers);
      data.forEach((value, r) => {
        broker.publishAsync(`${args.prefix}d${i}/r${r}`, JSON.stringify({ value, ts }), { qos: 1 })
          .catch(() => {});
      });
    } catch { /* a failed read publishes nothing: the bench counts what arrives */ }
  }
}

await Promise.all(clients.map((_, i) => device(i)));
clients.forEach((c) => c.close(() => {}));
await broker.endAsync();
Deno.exit(0);
