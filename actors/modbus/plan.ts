import type { ModbusArea } from "./address.ts";

/** A tag's place on the wire: `count` registers (or bits) from `address` in one area of one unit. */
export interface WireTag {
  index: number;
  unit: number;
  area: ModbusArea;
  address: number;
  count: number;
}

/** One read request and the tags it serves. */
export interface ReadRequest {
  unit: number;
  area: ModbusArea;
  start: number;
  length: number;
  tags: WireTag[];
}

/** Request size limits: the spec allows 125 registers or 2000 bits; some devices want less. */
export interface PlanLimits {
  maxRegisters: number;
  maxBits: number;
  /** Unused registers (or bits) a request may span to join two tags. */
  maxGap: number;
}

const isBitArea = (area: ModbusArea) => area === "coil" || area === "discrete";

/** Plans the fewest reads that cover every tag, merging neighbours within the gap and size limits. */
export function planReads(tags: readonly WireTag[], limits: PlanLimits): ReadRequest[] {
  const sorted = [...tags].sort((a, b) =>
    a.unit - b.unit || a.area.localeCompare(b.area) || a.address - b.address || a.index - b.index
  );
  const out: ReadRequest[] = [];
  let cur: ReadRequest | undefined;
  for (const tag of sorted) {
    const max = isBitArea(tag.area) ? limits.maxBits : limits.maxRegisters;
    const end = tag.address + tag.count;
    if (
      cur && cur.unit === tag.unit && cur.area === tag.area &&
      tag.address - (cur.start + cur.length) <= limits.maxGap &&
      Math.max(end, cur.start + cur.length) - cur.start <= max
    ) {
      cur.length = Math.max(end, cur.start + cur.length) - cur.start;
      cur.tags.push(tag);
    } else {
      cur = { unit: tag.unit, area: tag.area, start: tag.address, length: tag.count, tags: [tag] };
      out.push(cur);
    }
  }
  return out;
}
