import type { ModbusDeviceConfig } from "./config.ts";
import { sleep } from "../../src/runtime/kit.ts";
import { describeModbusError, type ModbusClient } from "./link.ts";
import type { ReadRequest } from "./plan.ts";

/** The outcome of one planned request: its registers (bits as 0/1), or why it failed. */
export type ReadOutcome =
  | { ok: true; data: ArrayLike<number> }
  | { ok: false; reason: string; connectionLost: boolean };

interface Internals {
  _transactions?: Record<number, unknown>;
  _port?: { _transactionIdWrite?: number; _clientRcvData?: { length: number } };
}

/**
 * Bytes received on a Modbus TCP connection that never made a whole frame. After a timeout they
 * mean the stream is out of step (garbage, a lying length, a late trickle): modbus-serial would
 * read every later answer behind them and time out forever, so the connection must go.
 */
function strayBytes(client: ModbusClient): number {
  return (client as unknown as Internals)._port?._clientRcvData?.length ?? 0;
}

/**
 * Sends one read; bits come back as 0/1. modbus-serial keeps every finished transaction (with its
 * callback and timer) until its id comes round again, 256 per connection: a fleet of 1,000
 * devices would hold a quarter of a million. Forget each one once it has settled.
 */
export async function readOnce(client: ModbusClient, req: ReadRequest): Promise<ArrayLike<number>> {
  const internals = client as unknown as Internals;
  const id = internals._port?._transactionIdWrite;
  client.setID(req.unit);
  try {
    if (req.area === "holding") {
      return (await client.readHoldingRegisters(req.start, req.length)).data;
    }
    if (req.area === "input") return (await client.readInputRegisters(req.start, req.length)).data;
    if (req.area === "coil") {
      return (await client.readCoils(req.start, req.length)).data.map(Number);
    }
    return (await client.readDiscreteInputs(req.start, req.length)).data.map(Number);
  } finally {
    if (id !== undefined && internals._transactions) delete internals._transactions[id];
  }
}

/** Reads one request, trying again after a timeout up to `retries` times. */
async function readWithRetries(
  client: ModbusClient,
  req: ReadRequest,
  retries: number,
): Promise<ReadOutcome> {
  for (let attempt = 0;; attempt++) {
    try {
      return { ok: true, data: await readOnce(client, req) };
    } catch (err) {
      const { reason, connectionLost } = describeModbusError(err);
      const stray = reason === "timed out" ? strayBytes(client) : 0;
      if (stray > 0) {
        return {
          ok: false,
          reason: `timed out, ${stray} stray bytes: the stream is out of step, reconnecting`,
          connectionLost: true,
        };
      }
      if (connectionLost || reason !== "timed out" || attempt >= retries) {
        return {
          ok: false,
          reason: attempt > 0 ? `${reason} (after ${attempt + 1} attempts)` : reason,
          connectionLost,
        };
      }
    }
  }
}

/**
 * Reads every request of a group: up to `max_in_flight` at once (pipelined on one connection,
 * for servers that allow it), or one after another with `request_delay_ms` between them. Stops
 * sending once the connection is lost; the remaining requests get that outcome too.
 */
export async function readAll(
  client: ModbusClient,
  requests: readonly ReadRequest[],
  cfg: ModbusDeviceConfig,
): Promise<ReadOutcome[]> {
  // The common case, one request per poll, without the lanes' promises and closures.
  if (requests.length === 1) return [await readWithRetries(client, requests[0], cfg.retries)];
  const out = new Array<ReadOutcome>(requests.length);
  let next = 0;
  let lost: ReadOutcome | undefined;
  const lane = async () => {
    while (next < requests.length) {
      const i = next++;
      if (lost) {
        out[i] = lost;
        continue;
      }
      if (cfg.request_delay_ms > 0 && i > 0) await sleep(cfg.request_delay_ms);
      out[i] = await readWithRetries(client, requests[i], cfg.retries);
      if (!out[i].ok && (out[i] as { connectionLost: boolean }).connectionLost) lost ??= out[i];
    }
  };
  const lanes = cfg.request_delay_ms > 0 ? 1 : Math.min(cfg.max_in_flight, requests.length);
  await Promise.all(Array.from({ length: lanes }, lane));
  return out;
}
