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

/** Sends one read; the answer's `data` holds registers, or bits as booleans. */
function request(
  client: ModbusClient,
  req: ReadRequest,
): Promise<{ data: ArrayLike<number> | boolean[] }> {
  client.setID(req.unit);
  if (req.area === "holding") return client.readHoldingRegisters(req.start, req.length);
  if (req.area === "input") return client.readInputRegisters(req.start, req.length);
  if (req.area === "coil") return client.readCoils(req.start, req.length);
  return client.readDiscreteInputs(req.start, req.length);
}

/** An answer's registers, or its bits as 0/1. */
const words = (data: ArrayLike<number> | boolean[]): ArrayLike<number> =>
  Array.isArray(data) && typeof data[0] === "boolean"
    ? data.map(Number)
    : data as ArrayLike<number>;

/**
 * modbus-serial keeps every finished transaction (with its callback and timer) until its id comes
 * round again, 256 per connection: a fleet of 1,000 devices would hold a quarter of a million.
 * Forget one once it has settled.
 */
function forget(client: ModbusClient, id: number | undefined): void {
  const internals = client as unknown as Internals;
  const transactions = internals._transactions;
  if (id === undefined || !transactions) return;
  delete transactions[id];
  // A deleted id leaves a hole the object keeps: as the ids go round, it would hold 256 slots a
  // connection (2 MB at 1,000 devices). Every 64th id, with nothing pending, it starts afresh.
  if (id % 64 === 63 && isEmpty(transactions)) internals._transactions = {};
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** The id the next request on this connection will take. */
const nextId = (client: ModbusClient) =>
  (client as unknown as Internals)._port?._transactionIdWrite;

/** Sends one read and forgets its transaction once settled; bits come back as 0/1. */
export async function readOnce(client: ModbusClient, req: ReadRequest): Promise<ArrayLike<number>> {
  const id = nextId(client);
  try {
    return words((await request(client, req)).data);
  } finally {
    forget(client, id);
  }
}

/** Reads one request, trying again after a timeout up to `retries` times. */
export async function readWithRetries(
  client: ModbusClient,
  req: ReadRequest,
  retries: number,
): Promise<ReadOutcome> {
  for (let attempt = 0;; attempt++) {
    const id = nextId(client);
    try {
      return { ok: true, data: words((await request(client, req)).data) };
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
    } finally {
      forget(client, id);
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
