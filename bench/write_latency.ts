// Write round trip (the issue of commands): request → answer with the value read back, through
// the gateway's REST API to a Modbus device and to the OPC UA simulator, idle and while the
// gateway polls 1,000 Modbus devices × 20 registers a second (20,000 points/s); next to a bare
// modbus-serial write + read and a bare node-opcua write + read, against the same simulators in
// the same run. Prints a Markdown table for BENCHMARKS.md.
//   deno task bench:writes [--writes 200] [--rate 20] [--load-devices 1000]
import Modbus from "modbus-serial";
import { AttributeIds, DataType, OPCUACertificateManager, OPCUAClient } from "node-opcua";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { PERMISSIONS, V8_FLAGS } from "../tests/helpers/gateway_process.ts";
import { opcuaSimArgs } from "../tests/helpers/opcua_sim_process.ts";
import { waitReady } from "./gateway_api.ts";
import { freePortRange, loopbackPort } from "./ports.ts";
import { Proc } from "./proc.ts";
import { quantile } from "./stats.ts";

const BENCH = fileURLToPath(new URL(".", import.meta.url));
const TOKEN = "bench-" + crypto.randomUUID();
const REGISTERS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  name: string;
  times: number[];
  errors: number;
}

/** Runs `write(i)` `n` times at `rate` a second (one after the other), timing each. */
async function paced(
  name: string,
  n: number,
  rate: number,
  write: (i: number) => Promise<boolean>,
): Promise<Row> {
  const times: number[] = [];
  let errors = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const t0 = performance.now();
    if (await write(i)) times.push(performance.now() - t0);
    else errors++;
  }
  return { name, times, errors };
}

/** A bare modbus-serial client: FC6 to the setpoint register, then FC3 of it. */
async function bareModbus(name: string, port: number, n: number, rate: number): Promise<Row> {
  const client = new Modbus.default();
  await client.connectTCP("127.0.0.1", { port });
  client.setID(1);
  client.setTimeout(2000);
  try {
    return await paced(name, n, rate, async (i) => {
      await client.writeRegister(REGISTERS, i % 1000);
      const back = await client.readHoldingRegisters(REGISTERS, 1);
      return back.data[0] === i % 1000;
    });
  } finally {
    client.close(() => {});
  }
}

/** A bare node-opcua client: write the signal light, then read it. */
async function bareOpcua(name: string, endpoint: string, pki: string, n: number, rate: number) {
  const manager = new OPCUACertificateManager({ rootFolder: pki, disableFileWatchers: true });
  const client = OPCUAClient.create({
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
    clientCertificateManager: manager,
  });
  await client.connect(endpoint);
  const session = await client.createSession();
  const nodeId = "ns=1;s=Compressor2.SignalLight";
  try {
    return await paced(name, n, rate, async (i) => {
      const value = i % 2 === 0;
      const status = await session.write({
        nodeId,
        attributeId: AttributeIds.Value,
        value: { value: { dataType: DataType.Boolean, value } },
      });
      const back = await session.read({ nodeId, attributeId: AttributeIds.Value });
      return status.name === "Good" && back.value.value === value;
    });
  } finally {
    await session.close();
    await client.disconnect();
    await manager.dispose();
  }
}

/** Writes through the gateway's REST API, answered with the read-back value. */
function restWrites(
  name: string,
  api: string,
  path: string,
  n: number,
  rate: number,
  value: (i: number) => unknown,
) {
  return paced(name, n, rate, async (i) => {
    const res = await fetch(`${api}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ value: value(i) }),
    });
    const body = await res.json();
    return res.status === 200 && body.readback === value(i);
  });
}

function gatewayConfig(
  basePort: number,
  devices: number,
  endpoint: string,
  dir: string,
  apiPort: number,
) {
  const modbus = (d: number) => ({
    kind: "modbus",
    host: "127.0.0.1",
    port: basePort + d,
    interval_ms: 1000,
    tags: [
      ...Array.from({ length: REGISTERS }, (_, r) => ({
        name: `r${r}`,
        address: `1!${40001 + r}`,
        type: "uint16",
      })),
      ...(d === 0
        ? [{ name: "setpoint", address: `1!${40001 + REGISTERS}`, type: "uint16", writable: true }]
        : []),
    ],
  });
  return {
    gateway: { name: "bench_writes", log_level: "warn", placement: { modbus: 2 } },
    api: { port: apiPort, tokens: { bench: TOKEN } },
    commands: { per_tag_per_s: 1000, global_per_s: 10_000, audit_file: `${dir}/audit.jsonl` },
    devices: {
      ...Object.fromEntries(Array.from({ length: devices }, (_, d) => [`m${d}`, modbus(d)])),
      c2: {
        kind: "opcua",
        endpoint,
        pki_dir: `${dir}/gw-pki`,
        tags: [{ name: "signal_light", node_id: "ns=1;s=Compressor2.SignalLight", writable: true }],
      },
    },
    sinks: {},
  };
}

async function runGateway(
  label: string,
  config: unknown,
  apiPort: number,
  n: number,
  rate: number,
  extra: (api: string) => Promise<Row[]> = () => Promise.resolve([]),
): Promise<Row[]> {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(file, JSON.stringify(config));
  const api = `http://127.0.0.1:${apiPort}`;
  const gw = new Proc("gateway", [
    "run",
    ...PERMISSIONS,
    `--v8-flags=${V8_FLAGS}`,
    "src/main.ts",
    "--config",
    file,
  ]);
  try {
    await waitReady(gw, api);
    await sleep(3000); // warm-up: the fleet's polls spread over the interval
    const modbus = await restWrites(
      `gateway REST → modbus, ${label}`,
      api,
      "/api/devices/m0/tags/setpoint/write",
      n,
      rate,
      (i) => i % 1000,
    );
    const opcua = await restWrites(
      `gateway REST → opcua, ${label}`,
      api,
      "/api/devices/c2/tags/signal_light/write",
      n,
      rate,
      (i) => i % 2 === 0,
    );
    return [modbus, opcua, ...await extra(api)];
  } finally {
    await gw.stop();
    await Deno.remove(file).catch(() => {});
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: {
      writes: { type: "string", default: "200" },
      rate: { type: "string", default: "20" },
      "load-devices": { type: "string", default: "1000" },
    },
  });
  const n = Number(args.writes), rate = Number(args.rate), load = Number(args["load-devices"]);
  const dir = await Deno.makeTempDir({ prefix: "bench-writes-" });
  const basePort = freePortRange(load);
  const opcuaPort = loopbackPort();
  const endpoint = `opc.tcp://127.0.0.1:${opcuaPort}/tagflow`;
  const fleet = new Proc("fleet sim", [
    "run",
    "-A",
    `${BENCH}modbus_fleet_sim.ts`,
    "--devices",
    String(load),
    "--base-port",
    String(basePort),
    "--registers",
    String(REGISTERS),
    "--max-seconds",
    "1800",
  ]);
  const sim = new Proc("opcua sim", opcuaSimArgs({ port: opcuaPort, pkiDir: `${dir}/sim` }));
  try {
    await fleet.waitFor("ready", 60_000);
    await sim.waitForText("simulator listening", 60_000);
    const rows: Row[] = [];
    rows.push(await bareModbus("bare modbus-serial FC6 + FC3, no gateway", basePort, n, rate));
    rows.push(
      await bareOpcua("bare node-opcua write + read, no gateway", endpoint, `${dir}/bare`, n, rate),
    );
    let apiPort = loopbackPort();
    rows.push(
      ...await runGateway(
        "idle (this device alone)",
        gatewayConfig(basePort, 1, endpoint, dir, apiPort),
        apiPort,
        n,
        rate,
      ),
    );
    apiPort = loopbackPort();
    rows.push(
      ...await runGateway(
        `while polling ${load} devices (${load * REGISTERS} points/s)`,
        gatewayConfig(basePort, load, endpoint, dir, apiPort),
        apiPort,
        n,
        rate,
        async () => [
          await bareModbus(
            "bare modbus-serial FC6 + FC3, beside the loaded gateway",
            basePort,
            n,
            rate,
          ),
          await bareOpcua(
            "bare node-opcua write + read, beside the loaded gateway",
            endpoint,
            `${dir}/bare`,
            n,
            rate,
          ),
        ],
      ),
    );
    const f = (x: number) => Number.isNaN(x) ? "n/a" : x.toFixed(1);
    console.log(
      `Write round trip: ${n} writes at ${rate}/s per row, each answered with the value read back; ` +
        `Modbus: one holding register of a simulated device (modbus-serial ServerTCP, its own process), ` +
        `OPC UA: the simulator's signal light (security None, its own process). ` +
        `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ${
          new Date().toISOString()
        }.\n`,
    );
    console.log("| run | writes answered | errors | p50 ms | p99 ms | max ms |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${r.times.length} | ${r.errors} | ${f(quantile(r.times, 0.5))} | ${
          f(quantile(r.times, 0.99))
        } | ${f(Math.max(...r.times))} |`,
      );
    }
  } finally {
    await fleet.stop(3000);
    await sim.stop(3000);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await main();
