// A fleet of simulated Modbus TCP devices for the load scenario (issue #3), in its own process so
// its CPU is not charged to the poller under test. One modbus-serial ServerTCP per device/port.
//   deno run -A bench/modbus_fleet_sim.ts --devices 1000 --base-port 20000 --registers 20
// Prints {"ready":true,"devices":N} once every port listens; exits cleanly on SIGTERM/SIGINT.
// Register `registers` (after the changing ones) of each device takes writes and keeps them.
import Modbus from "modbus-serial";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    devices: { type: "string", default: "1000" },
    "base-port": { type: "string", default: "20000" },
    registers: { type: "string", default: "20" },
    host: { type: "string", default: "127.0.0.1" },
    // A bound on the process's life, so a runner that died cannot leave the fleet behind.
    "max-seconds": { type: "string", default: "3600" },
  },
});
const devices = Number(args.devices);
const basePort = Number(args["base-port"]);
const registers = Number(args.registers);
// modbus-serial turns port 0 into 502, so the range must be explicit.
if (!(devices >= 1 && basePort >= 1 && basePort + devices - 1 <= 65535 && registers >= 1)) {
  console.error("Cannot start the fleet: need --devices ≥ 1, --base-port ≥ 1, --registers ≥ 1");
  Deno.exit(2);
}

/** modbus-serial answers a Modbus exception when a vector throws an object with this field. */
const illegalAddress = () =>
  Object.assign(new Error("illegal data address"), { modbusErrorCode: 2 });

/** Starts one device serving `regs` as holding registers; resolves once it listens. */
function startDevice(
  port: number,
  regs: Uint16Array,
): Promise<InstanceType<typeof Modbus.ServerTCP>> {
  const read = (addr: number, n: number) => {
    if (addr + n > regs.length) throw illegalAddress();
    return Array.from(regs.subarray(addr, addr + n));
  };
  // Synchronous callbacks: modbus-serial picks the callback style by the declared arity.
  const server = new Modbus.ServerTCP({
    getHoldingRegister: (addr: number) => read(addr, 1)[0],
    getMultipleHoldingRegisters: (addr: number, n: number) => read(addr, n),
    // Writes (FC6, FC16) to the register after the changing ones, which keeps what was written.
    setRegister: (addr: number, value: number) => {
      if (addr !== registers) throw illegalAddress();
      regs[addr] = value;
    },
  }, { host: args.host, port, unitID: 255 }); // 255: answer every unit id
  server.on("socketError", () => {}); // a client dropping its connection is not our failure
  return new Promise((resolve, reject) => {
    server.once("initialized", () => resolve(server));
    server.once("serverError", (e: Error) => reject(new Error(`port ${port}: ${e.message}`)));
  });
}

// One more register per device than `registers`: a setpoint that takes writes and does not change.
const images = Array.from({ length: devices }, () => new Uint16Array(registers + 1));
const tick = (t: number) => {
  images.forEach((img, d) => {
    for (let r = 0; r < registers; r++) img[r] = (t + d + r) & 0xffff;
  });
};
tick(0);

let servers: InstanceType<typeof Modbus.ServerTCP>[];
try {
  servers = await Promise.all(images.map((img, i) => startDevice(basePort + i, img)));
} catch (err) {
  console.error(`Cannot start the fleet: ${(err as Error).message}`);
  Deno.exit(1);
}
let t = 0;
const timer = setInterval(() => tick(++t), 1000); // values change once per second
console.log(JSON.stringify({ ready: true, devices }));

let stopping = false;
async function stop(): Promise<never> {
  if (!stopping) {
    stopping = true;
    clearInterval(timer);
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  }
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
setTimeout(stop, Number(args["max-seconds"]) * 1000);
