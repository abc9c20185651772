import type { ModbusDeviceConfig, ModbusTagConfig } from "./config.ts";
import { DEFAULT_GROUP } from "./default_group.ts";
import { parseModbusAddress } from "./address.ts";
import { Quality, type QualityCode } from "../../src/model/sample.ts";
import { type TagMeta, unsPath, type UnsPrefix } from "../../src/model/tag.ts";
import { type ByteOrder, registerCount } from "./codec.ts";
import type { WireTag } from "./plan.ts";

/**
 * A configured tag with everything a poll or a write needs resolved once: its place on the wire
 * (unit, area, address, count and the bit of a register), in one object with the rest, as a
 * fleet holds one per tag. Its metadata (UNS path...) goes to the runtime's catalog, not here.
 */
export interface ModbusTag extends WireTag {
  bit?: number;
  cfg: ModbusTagConfig;
  order: ByteOrder;
  group: string;
}

/** What the runtime registers for a tag: its name, UNS path, type and group. */
export function tagMeta(cfg: ModbusTagConfig, id: string, uns: UnsPrefix): TagMeta {
  const meta: TagMeta = {
    name: cfg.name,
    device: id,
    path: unsPath(uns, id, cfg.name),
    type: cfg.type,
    writable: cfg.writable,
    group: cfg.group ?? DEFAULT_GROUP,
  };
  if (cfg.unit) meta.unit = cfg.unit;
  return meta;
}

/** Resolves a tag's address, order and group from the device config. */
export function resolveTag(
  dev: ModbusDeviceConfig,
  cfg: ModbusTagConfig,
  index: number,
  id: string,
): ModbusTag {
  const parsed = typeof cfg.address === "string"
    ? parseModbusAddress(cfg.address, dev.unit_id)
    : cfg.address;
  if (typeof parsed === "string") throw new Error(`Cannot poll ${id}.${cfg.name}: ${parsed}`);
  const count = registerCount(cfg.type, cfg.length);
  const tag: ModbusTag = {
    index,
    unit: parsed.unit ?? dev.unit_id,
    area: parsed.area,
    address: parsed.address,
    count,
    cfg,
    order: cfg.order ?? dev.byte_order,
    group: cfg.group ?? DEFAULT_GROUP,
  };
  if (parsed.bit !== undefined) tag.bit = parsed.bit;
  return tag;
}

/** A read value in engineering terms, with its quality after the range check. */
export interface Reading {
  value: number | string;
  quality: QualityCode;
  reason?: string;
}

/**
 * Engineering value of a raw reading: raw × scale + offset, without binary noise in the last
 * digits (0.1 × 409 is 40.9, not 40.900000000000006; a float32 keeps its 7 significant digits),
 * then the range check: outside it the value is uncertain, clamped when the tag says so. Written
 * into `out` when given (a poll reuses one for all its tags rather than make an object per value).
 */
export function engineeringValue(
  raw: number | string,
  tag: ModbusTagConfig,
  out: Reading = { value: 0, quality: Quality.good },
): Reading {
  out.quality = Quality.good;
  if (out.reason !== undefined) delete out.reason;
  if (typeof raw === "string" || tag.type === "bool") {
    out.value = raw;
    return out;
  }
  const base = tag.type === "float32" ? Number(raw.toPrecision(7)) : raw;
  const value = out.value = tag.scale === 1 && tag.offset === 0
    ? base
    : Number((base * tag.scale + tag.offset).toPrecision(15));
  if (tag.range === undefined) return out;
  const { min = -Infinity, max = Infinity } = tag.range;
  if (value >= min && value <= max) return out;
  const bounds = `[${tag.range.min ?? "-∞"}, ${tag.range.max ?? "∞"}]`;
  out.quality = Quality.uncertain;
  if (!tag.clamp) out.reason = `${value} out of range ${bounds}`;
  else {
    out.value = Math.min(max, Math.max(min, value));
    out.reason = `clamped to range ${bounds}`;
  }
  return out;
}

/** The raw value to write for an engineering value: the inverse of scale and offset. */
export function rawValue(value: number, tag: ModbusTagConfig): number {
  const raw = (value - tag.offset) / tag.scale;
  const integer = tag.type !== "float32" && tag.type !== "float64";
  return integer ? Math.round(raw) : raw;
}
