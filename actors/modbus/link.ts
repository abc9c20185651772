import Modbus from "modbus-serial";
import type { ModbusDeviceConfig } from "./config.ts";
import { type ActorContext, Backoff, sleepUnlessAborted } from "../../src/runtime/kit.ts";

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

/** Keeps one TCP connection to a Modbus device, reconnecting with jittered backoff. */
export class ModbusLink {
  client: ModbusClient | undefined;
  reason = "connecting";
  #wake: (() => void) | undefined;
  #attempted!: () => void;
  /** Resolves once the first connection attempt succeeded or failed. */
  readonly firstAttempt = new Promise<void>((resolve) => this.#attempted = resolve);
  readonly #backoff: Backoff;

  constructor(private readonly cfg: ModbusDeviceConfig, private readonly ctx: ActorContext) {
    this.#backoff = new Backoff({
      initialMs: cfg.reconnect.initial_ms,
      maxMs: cfg.reconnect.max_ms,
    });
  }

  /** Connects and reconnects until the signal aborts; then closes. */
  async run(signal: AbortSignal): Promise<void> {
    const where = `${this.cfg.host}:${this.cfg.port}`;
    while (!signal.aborted) {
      const client = new ModbusRTU();
      const events = client as unknown as Emitter;
      events.on("error", (e) => this.lost(`connection lost: ${e?.message}`));
      try {
        if (this.cfg.framing === "rtu_over_tcp") {
          // modbus-serial's "telnet" port sends raw RTU frames (with CRC) over TCP.
          await client.connectTelnet(this.cfg.host, { port: this.cfg.port });
        } else {
          await client.connectTCP(this.cfg.host, { port: this.cfg.port });
        }
        client.setTimeout(this.cfg.timeout_ms);
        this.client = client;
        this.#backoff.reset();
        this.ctx.setState("running");
        this.#attempted();
        const closed = new Promise<void>((resolve) => {
          this.#wake = resolve;
          events.on("close", () => this.lost("connection lost: closed by peer"));
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        await closed;
      } catch (err) {
        this.reason = `connection failed: Cannot connect to ${where}: ${(err as Error).message}`;
        this.ctx.counters.errors++;
        this.ctx.setState("degraded", this.reason);
        this.#attempted();
      }
      this.#close(client);
      if (!signal.aborted) await sleepUnlessAborted(this.#backoff.next(), signal);
    }
  }

  /** Marks the connection as gone; the run loop reconnects after a backoff. */
  lost(reason: string): void {
    if (!this.client) return;
    this.reason = reason;
    this.client = undefined;
    this.ctx.counters.reconnects = (this.ctx.counters.reconnects ?? 0) + 1;
    this.ctx.setState("degraded", reason);
    this.#wake?.();
  }

  #close(client: ModbusClient): void {
    if (this.client === client) this.client = undefined;
    (client as unknown as Emitter).removeAllListeners("close");
    if (client.isOpen) client.close(() => {});
    else (client as unknown as { _port?: { destroy?: () => void } })._port?.destroy?.();
  }
}
