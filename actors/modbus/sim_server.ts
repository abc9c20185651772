import { type IServiceVector, ServerTCP } from "modbus-serial";
import {
  isProfileName,
  type Profile,
  type ProfileName,
  PROFILES,
  type RegisterImage,
} from "./sim_profiles.ts";

/** Options of one simulated Modbus TCP device. */
export interface ModbusSimOptions {
  host?: string;
  port: number;
  profile: ProfileName;
  /** Unit id to answer; 0 or 255 answers every unit. */
  unitId?: number;
  tickMs?: number;
  seed?: number;
}

/** A running simulator. */
export interface ModbusSim {
  readonly port: number;
  readonly address: string;
  readonly profile: Profile;
  close(): Promise<void>;
}

const ILLEGAL_DATA_ADDRESS = 0x02;
const ILLEGAL_DATA_VALUE = 0x03;
const MAX_READ_REGISTERS = 125; // Modbus spec limit for FC3/FC4

/** modbus-serial's ServerTCP answers an exception when a vector throws an object with this field. */
function modbusError(code: number, message: string): Error & { modbusErrorCode: number } {
  return Object.assign(new Error(message), { modbusErrorCode: code });
}

function checkRange(table: string, size: number, addr: number, count: number): void {
  if (count > MAX_READ_REGISTERS && (table === "holding" || table === "input")) {
    throw modbusError(ILLEGAL_DATA_VALUE, `Cannot access ${table} ${addr}: quantity ${count}`);
  }
  if (addr + count > size) {
    throw modbusError(ILLEGAL_DATA_ADDRESS, `Cannot access ${table} ${addr}: illegal data address`);
  }
}

/** Builds the ServerTCP callbacks that serve a register image (synchronous, throw = exception). */
function serviceVector(img: RegisterImage): IServiceVector {
  const read = (table: "holding" | "input", addr: number, count: number) => {
    checkRange(table, img[table].length, addr, count);
    return Array.from(img[table].subarray(addr, addr + count));
  };
  const bit = (table: "coils" | "discrete", addr: number) => {
    checkRange(table, img[table].length, addr, 1);
    return img[table][addr] === 1;
  };
  // Declared arities matter: modbus-serial picks callback style when a function takes a `cb`.
  // No setCoilArray: its FC15 branch in modbus-serial 8.0.25 is broken, so FC15 goes via setCoil.
  return {
    getHoldingRegister: (addr: number) => read("holding", addr, 1)[0],
    getMultipleHoldingRegisters: (addr: number, n: number) => read("holding", addr, n),
    getInputRegister: (addr: number) => read("input", addr, 1)[0],
    getMultipleInputRegisters: (addr: number, n: number) => read("input", addr, n),
    getCoil: (addr: number) => bit("coils", addr),
    getDiscreteInput: (addr: number) => bit("discrete", addr),
    setRegister: (addr: number, value: number) => {
      checkRange("holding", img.holding.length, addr, 1);
      img.holding[addr] = value;
    },
    setRegisterArray: (addr: number, values: number[]) => {
      checkRange("holding", img.holding.length, addr, values.length);
      img.holding.set(values, addr);
    },
    setCoil: (addr: number, value: boolean) => {
      checkRange("coils", img.coils.length, addr, 1);
      img.coils[addr] = value ? 1 : 0;
    },
  };
}

/** Starts a Modbus TCP simulator serving a profile; resolves once it listens. */
export async function startModbusSim(opts: ModbusSimOptions): Promise<ModbusSim> {
  const host = opts.host ?? "127.0.0.1";
  const address = `${host}:${opts.port}`;
  const unitId = opts.unitId ?? 1;
  const tickMs = opts.tickMs ?? 1000;
  const fail = (reason: string) =>
    new Error(`Cannot start Modbus simulator on ${address}: ${reason}`);
  // modbus-serial turns port 0 into 502, so an ephemeral port cannot be asked for.
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
    throw fail("port must be an integer in 1..65535");
  }
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) throw fail("unitId must be 0..255");
  if (!(tickMs > 0)) throw fail("tickMs must be positive");
  if (!isProfileName(opts.profile)) throw fail(`unknown profile "${opts.profile}"`);
  const profile = PROFILES[opts.profile]({ seed: opts.seed });

  const server = new ServerTCP(serviceVector(profile.image), {
    host,
    port: opts.port,
    unitID: unitId,
  });
  server.on("socketError", () => {}); // a client that drops its connection is not our failure
  await new Promise<void>((resolve, reject) => {
    server.once("initialized", () => resolve());
    server.once("serverError", (err: Error) => reject(fail(err.message)));
  });

  const timer = setInterval(() => profile.tick(Date.now()), tickMs);
  let closing: Promise<void> | undefined;
  return {
    port: opts.port,
    address,
    profile,
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
