// The baseline for the Modbus load scenario (issue #3): a plain modbus-serial polling loop, one
// client per device, no actors, no workers, no batches. Same schedule as the gateway's fixed-rate
// scheduler so the two jitter figures mean the same thing.
//   deno run -A bench/modbus_plain_loop.ts --devices 1000 --base-port 20000 --seconds 30 [--forget]
// modbus-serial keeps each settled transaction until its id (one of 256 per connection) comes
// round again; with --forget the loop deletes it once settled, as the gateway does.
// Prints {"measuring":true} when the measured window opens (after the warm-up) and one JSON result
// line when it closes, then exits.
import Modbus from "modbus-serial";
import { parseArgs } from "node:util";
import { pollStartLag } from "../src/runtime/histogram.ts";

/** The modbus-serial internals --forget reaches: its transactions by id and the next id. */
interface Internals {
  _transactions: Record<number, unknown>;
  _port: { _transactionIdWrite: number };
}

/** Index of the bucket (previous bound, bound] of the gateway's poll-lag histogram a lag falls in. */
export function lagBucket(lagMs: number): number {
  const i = pollStartLag.bounds.findIndex((b) => lagMs <= b);
  return i < 0 ? pollStartLag.bounds.length : i;
}

/** The exact q-quantile (nearest rank) of sorted values. */
function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      devices: { type: "string", default: "1000" },
      "base-port": { type: "string", default: "20000" },
      registers: { type: "string", default: "20" },
      seconds: { type: "string", default: "30" },
      "interval-ms": { type: "string", default: "1000" },
      "warmup-seconds": { type: "string", default: "3" },
      forget: { type: "boolean", default: false },
    },
  });
  const n = Number(args.devices), interval = Number(args["interval-ms"]);
  const basePort = Number(args["base-port"]), registers = Number(args.registers);
  const Client = Modbus.default; // Deno types the CommonJS default import as the module

  const clients: InstanceType<typeof Client>[] = [];
  for (let i = 0; i < n; i += 100) { // connect in chunks: no burst of 1,000 SYNs at once
    const chunk = Array.from({ length: Math.min(100, n - i) }, async (_, k) => {
      const c = new Client();
      await c.connectTCP("127.0.0.1", { port: basePort + i + k });
      c.setID(1);
      c.setTimeout(interval);
      return c;
    });
    clients.push(...await Promise.all(chunk));
  }

  const t0 = performance.now() + 100;
  const from = t0 + Number(args["warmup-seconds"]) * 1000;
  const to = from + Number(args.seconds) * 1000;
  const lags: number[] = [];
  const buckets = new Array(pollStartLag.keys.length).fill(0);
  let overruns = 0, errors = 0;
  const measured = (due: number) => due >= from && due < to;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Device i: first poll at i/N of the interval, the k-th due at first + k × interval. */
  async function device(i: number): Promise<void> {
    const first = t0 + (i * interval) / n;
    let running: Promise<void> | undefined;
    for (let k = 0; first + k * interval < to; k++) {
      const due = first + k * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (running) {
        if (measured(due)) overruns++;
      } else {
        const lag = performance.now() - due;
        if (measured(due)) {
          lags.push(lag);
          buckets[lagBucket(lag)]++;
        }
        const client = clients[i] as unknown as Internals;
        const id = client._port._transactionIdWrite;
        running = clients[i].readHoldingRegisters(0, registers).then(
          () => {},
          () => void (measured(due) && errors++),
        ).finally(() => {
          running = undefined;
          if (args.forget) delete client._transactions[id];
        });
      }
      // Like the gateway's scheduler: intervals already wholly past (a stalled loop) are overruns.
      const behind = Math.floor((performance.now() - (first + (k + 1) * interval)) / interval);
      if (behind > 0) {
        for (let j = 1; j <= behind; j++) if (measured(first + (k + j) * interval)) overruns++;
        k += behind;
      }
    }
    await running;
  }

  setTimeout(() => console.log(JSON.stringify({ measuring: true })), from - performance.now());
  await Promise.all(clients.map((_, i) => device(i)));
  const sorted = Float64Array.from(lags).sort();
  const seconds = Number(args.seconds);
  console.log(JSON.stringify({
    devices: n,
    seconds,
    polls: lags.length,
    polls_per_s: lags.length / seconds,
    overruns,
    errors,
    jitter_ms: {
      p50: exactQuantile(sorted, 0.5),
      p99: exactQuantile(sorted, 0.99),
      max: sorted.at(-1),
    },
    buckets: Object.fromEntries(pollStartLag.keys.map((k, i) => [k, buckets[i]])),
  }));
  await Promise.all(clients.map((c) => new Promise((done) => c.close(done))));
}

if (import.meta.main) {
  await main();
  Deno.exit(0); // a lingering socket must not keep the baseline alive
}
