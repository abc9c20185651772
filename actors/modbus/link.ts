import Modbus from "modbus-serial";
import type { ModbusDeviceConfig } from "./config.ts";
import { type ActorContext, type Connector, Link } from "../../src/runtime/kit.ts";

// Deno types the CommonJS default import as the module; the class is also its `default`.
const ModbusRTU = Modbus.default;
export type ModbusClient = InstanceType<typeof ModbusRTU>;
type Emitter = {
  on(event: string, fn: (e?: Error) => void): void;
  removeAllListeners(event?: string): void;
};

const EXCEPTIONS: Record<number, string> = {
  1: "illegal function",
  2: "illegal data address",
  3: "illegal data value",
  4: "server device failure",
  5: "acknowledge",
  6: "server device busy",
  8: "memory parity error",
  10: "gateway path unavailable",
  11: "gateway target device failed to respond",
};

/** Why a request failed, in words an operator reads, and whether the connection is gone. */
export function describeModbusError(err: unknown): { reason: string; connectionLost: boolean } {
  const e = err as { modbusCode?: number; errno?: string; message?: string };
  if (typeof e?.modbusCode === "number") {
    const name = EXCEPTIONS[e.modbusCode] ?? "unknown exception";
    return { reason: `exception ${e.modbusCode} (${name})`, connectionLost: false };
  }
  if (e?.errno === "ETIMEDOUT" || /timed out/i.test(e?.message ?? "")) {
    return { reason: "timed out", connectionLost: false };
  }
  return { reason: `connection lost: ${e?.message ?? String(err)}`, connectionLost: true };
}

/** Opens Modbus TCP connections (or RTU frames over TCP) to one device, for a Link. */
export function modbusConnector(cfg: ModbusDeviceConfig): Connector<ModbusClient> {
  const where = `${cfg.host}:${cfg.port}`;
  return {
    async open(lost) {
      const client = new ModbusRTU();
      const events = client as unknown as Emitter;
      events.on("error", (e) => lost(`connection lost: ${e?.message}`));
      try {
        if (cfg.framing === "rtu_over_tcp") {
          // modbus-serial's "telnet" port sends raw RTU frames (with CRC) over TCP.
          await client.connectTelnet(cfg.host, { port: cfg.port });
        } else {
          await client.connectTCP(cfg.host, { port: cfg.port });
        }
      } catch (err) {
        close(client);
        throw new Error(`connection failed: Cannot connect to ${where}: ${(err as Error).message}`);
      }
      client.setTimeout(cfg.timeout_ms);
      events.on("close", () => lost("connection lost: closed by peer"));
      return client;
    },
    close,
  };
}

function close(client: ModbusClient): void {
  (client as unknown as Emitter).removeAllListeners("close");
  if (client.isOpen) client.close(() => {});
  else (client as unknown as { _port?: { destroy?: () => void } })._port?.destroy?.();
}

/** Keeps one connection to a Modbus device, reconnecting with jittered backoff. */
export function modbusLink(cfg: ModbusDeviceConfig, ctx: ActorContext): Link<ModbusClient> {
  return new Link(ctx, modbusConnector(cfg), {
    initialMs: cfg.reconnect.initial_ms,
    maxMs: cfg.reconnect.max_ms,
  });
}
