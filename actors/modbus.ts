import type { ModbusDeviceConfig, ModbusTagConfig } from "../src/config/modbus.ts";
import { type ModbusAddress, parseModbusAddress } from "../src/config/modbus_address.ts";
import { BatchBuilder } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import { type TagMeta, unsPath } from "../src/model/tag.ts";
import type { ActorContext } from "../src/runtime/actor.ts";
import { fixedRate, type ScheduleStats } from "../src/runtime/schedule.ts";
import { type ByteOrder, decodeRegisters, registerCount } from "./modbus_codec.ts";
import { describeModbusError, type ModbusClient, ModbusLink } from "./modbus_link.ts";
import { planReads, type ReadRequest, type WireTag } from "./modbus_plan.ts";

interface ResolvedTag {
  wire: WireTag;
  meta: TagMeta;
  cfg: ModbusTagConfig;
  order: ByteOrder;
}

/** Resolves a tag's address, order and UNS path from the device config. */
function resolveTag(
  cfg: ModbusDeviceConfig,
  tag: ModbusTagConfig,
  index: number,
  id: string,
): ResolvedTag {
  const parsed = typeof tag.address === "string"
    ? parseModbusAddress(tag.address, cfg.unit_id)
    : tag.address;
  if (typeof parsed === "string") throw new Error(`Cannot poll ${id}.${tag.name}: ${parsed}`);
  const address: ModbusAddress = {
    unit: parsed.unit ?? cfg.unit_id,
    area: parsed.area,
    address: parsed.address,
  };
  const meta: TagMeta = {
    name: tag.name,
    device: id,
    path: unsPath(cfg.uns ?? {}, id, tag.name),
    type: tag.type,
    writable: tag.writable,
  };
  if (tag.unit) meta.unit = tag.unit;
  return {
    wire: { index, ...address, count: registerCount(tag.type) },
    meta,
    cfg: tag,
    order: tag.order ?? cfg.byte_order,
  };
}

/**
 * Engineering value of a raw reading: raw × scale + offset, without binary noise in the last
 * digits (0.1 × 409 is 40.9, not 40.900000000000006; a float32 keeps its 7 significant digits).
 */
export function engineeringValue(raw: number, tag: ModbusTagConfig): number {
  if (tag.type === "bool") return raw;
  const base = tag.type === "float32" ? Number(raw.toPrecision(7)) : raw;
  if (tag.scale === 1 && tag.offset === 0) return base;
  return Number((base * tag.scale + tag.offset).toPrecision(15));
}

/** Reads one planned request; bits come back as 0/1. */
async function read(client: ModbusClient, req: ReadRequest): Promise<ArrayLike<number>> {
  client.setID(req.unit);
  switch (req.area) {
    case "holding":
      return (await client.readHoldingRegisters(req.start, req.length)).data;
    case "input":
      return (await client.readInputRegisters(req.start, req.length)).data;
    case "coil":
      return (await client.readCoils(req.start, req.length)).data.map(Number);
    case "discrete":
      return (await client.readDiscreteInputs(req.start, req.length)).data.map(Number);
  }
}

/** The Modbus TCP device actor: polls its tags at a fixed rate and sends one batch per poll. */
export default async function modbus(ctx: ActorContext): Promise<void> {
  const cfg = ctx.config as ModbusDeviceConfig;
  const output = ctx.output!;
  const tags = cfg.tags.map((t, i) => resolveTag(cfg, t, i, ctx.id));
  const requests = planReads(tags.map((t) => t.wire), {
    maxRegisters: cfg.max_registers,
    maxBits: 2000,
    maxGap: cfg.max_gap,
  });
  output.registerTags(tags.map((t) => t.meta));
  const builder = new BatchBuilder(output.source, tags.length);
  const link = new ModbusLink(cfg, ctx);
  const linked = link.run(ctx.signal);
  let reportedDown = false;

  const poll = async (ts: number) => {
    const client = link.client;
    if (!client) {
      // Say once that every value is bad now, rather than leave the last good one standing.
      if (!reportedDown) {
        for (const t of tags) builder.push(t.wire.index, ts, NaN, Quality.bad, link.reason);
      }
      reportedDown = true;
    } else {
      reportedDown = false;
      for (const req of requests) {
        try {
          const data = await read(client, req);
          for (const w of req.tags) {
            const t = tags[w.index];
            const raw = decodeRegisters(data, w.address - req.start, t.cfg.type, t.order);
            builder.push(w.index, ts, engineeringValue(raw, t.cfg), Quality.good);
          }
          ctx.counters.samples_in += req.tags.length;
        } catch (err) {
          const { reason, connectionLost } = describeModbusError(err);
          ctx.counters.errors++;
          for (const w of req.tags) builder.push(w.index, ts, NaN, Quality.bad, reason);
          if (connectionLost) {
            link.lost(reason);
            for (const other of requests.slice(requests.indexOf(req) + 1)) {
              for (const w of other.tags) builder.push(w.index, ts, NaN, Quality.bad, reason);
            }
            break;
          }
        }
      }
    }
    if (builder.count > 0) await output.send(builder.build());
  };

  await link.firstAttempt;
  Object.assign(ctx.counters, { polls: 0, overruns: 0, poll_lag_ms: 0 });
  await fixedRate(
    cfg.interval_ms,
    ctx.signal,
    poll,
    ctx.counters as typeof ctx.counters & ScheduleStats,
  );
  await linked;
}
