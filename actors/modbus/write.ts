import type { ModbusDeviceConfig } from "./config.ts";
import { GatewayError } from "../../src/model/errors.ts";
import { type Command, type TagsByName, writeRefused, writeTarget } from "../../src/runtime/kit.ts";
import { decodeRegisters, encodeValue } from "./codec.ts";
import { describeModbusError, type ModbusClient } from "./link.ts";
import { readOnce } from "./read.ts";
import { engineeringValue, type ModbusTag, rawValue } from "./tags.ts";

/** What a write answers: the value written and, when verified, what the device reads back. */
export interface WriteResult {
  tag: string;
  written: number | string | boolean;
  readback?: number | string | boolean;
}

const reject = writeRefused;

/** Coerces a JSON value to the tag's type, or refuses it naming the tag. */
function coerce(tag: ModbusTag, value: unknown, where: string): number | string {
  const { type } = tag.cfg;
  if (type === "string") {
    if (typeof value !== "string") {
      throw reject(where, `expected a string, got ${JSON.stringify(value)}`);
    }
    return value;
  }
  if (type === "bool") {
    if (value === true || value === 1) return 1;
    if (value === false || value === 0) return 0;
    throw reject(where, `expected true or false, got ${JSON.stringify(value)}`);
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw reject(where, `expected a number, got ${JSON.stringify(value)}`);
  }
  const { min, max } = tag.cfg.range ?? {};
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    throw reject(where, `${value} is outside the range [${min ?? "-∞"}, ${max ?? "∞"}]`);
  }
  return value;
}

/** Reads one tag now, as a poll would, in engineering terms. */
async function readTag(client: ModbusClient, tag: ModbusTag): Promise<number | string | boolean> {
  const data = await readOnce(client, {
    unit: tag.unit,
    area: tag.area,
    start: tag.address,
    length: tag.count,
    tags: [tag],
  });
  if (tag.bit !== undefined) return ((data[0] >> tag.bit) & 1) === 1;
  const raw = decodeRegisters(data, 0, tag.cfg.type, tag.order, tag.cfg.length);
  const { value } = engineeringValue(raw, tag.cfg);
  return tag.cfg.type === "bool" ? value === 1 : value;
}

/**
 * Writes a value to a writable tag: FC5/FC15 for coils, FC6/FC16 for holding registers (a bit of
 * a register by read-modify-write), with the inverse of the tag's scale, offset, type and order,
 * then reads it back when the device config asks to verify.
 */
export async function writeTag(
  link: ModbusClient | undefined,
  tags: TagsByName<ModbusTag>,
  cfg: ModbusDeviceConfig,
  device: string,
  command: Command,
): Promise<WriteResult> {
  const target = writeTarget("modbus", device, tags, command, link);
  const { tag, name, where, connection: client } = target;
  const value = coerce(tag, target.value, where);
  const multiple = cfg.write.function === "multiple";
  client.setID(tag.unit);
  try {
    if (tag.area === "coil") {
      if (multiple) await client.writeCoils(tag.address, [value === 1]);
      else await client.writeCoil(tag.address, value === 1);
    } else if (tag.bit !== undefined) {
      const read = {
        unit: tag.unit,
        area: "holding" as const,
        start: tag.address,
        length: 1,
        tags: [],
      };
      const current = (await readOnce(client, read))[0];
      const word = value === 1 ? current | (1 << tag.bit) : current & ~(1 << tag.bit);
      if (multiple) await client.writeRegisters(tag.address, [word]);
      else await client.writeRegister(tag.address, word);
    } else {
      let words: number[];
      try {
        const raw = typeof value === "string" ? value : rawValue(value, tag.cfg);
        words = encodeValue(raw, tag.cfg.type, tag.order, tag.cfg.length);
      } catch (err) {
        throw reject(where, (err as Error).message);
      }
      if (words.length === 1 && !multiple) await client.writeRegister(tag.address, words[0]);
      else await client.writeRegisters(tag.address, words);
    }
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    const { reason, connectionLost } = describeModbusError(err);
    throw new GatewayError(
      connectionLost ? "connection_lost" : "protocol_error",
      "write",
      `Cannot write ${where}: ${reason}`,
    );
  }
  const written = tag.cfg.type === "bool" ? value === 1 : value;
  if (!cfg.write.verify) return { tag: name, written };
  const readback = await readTag(client, tag);
  const same = typeof readback === "number" && typeof written === "number"
    ? Math.abs(readback - written) <= Math.abs(written) * 1e-6 + Math.abs(tag.cfg.scale) / 2
    : readback === written;
  if (!same) {
    throw new GatewayError(
      "rejected",
      "write",
      `Cannot write ${where}: wrote ${written}, device reads back ${readback}`,
    );
  }
  return { tag: name, written, readback };
}
