import type { ModbusDeviceConfig, ModbusTagConfig } from "./config.ts";
import { planReads, type ReadRequest } from "./plan.ts";
import { type ModbusTag, resolveTag } from "./tags.ts";

/** A poll group's tags and the reads planned for them. */
export interface GroupLayout {
  members: readonly ModbusTag[];
  requests: readonly ReadRequest[];
}

/** A device's tags resolved, and its poll groups by name (in the order their tags first come). */
export interface Layout {
  tags: readonly ModbusTag[];
  groups: ReadonlyMap<string, GroupLayout>;
}

/** Layouts by shared tag list, then by what else shapes them (unit, byte order, limits). */
const shared = new WeakMap<readonly ModbusTagConfig[], Map<string, Layout>>();

/**
 * Resolves a device's tags and plans each group's reads. Devices made from one template hold one
 * frozen tag list (the config's interner shares equal lists), and with the same unit, byte order
 * and request limits they share one layout: it is read-only, so a thousand devices hold it once.
 */
export function layoutOf(cfg: ModbusDeviceConfig, id: string): Layout {
  if (!Object.isFrozen(cfg.tags)) return plan(cfg, id);
  const key = [cfg.unit_id, cfg.byte_order, cfg.max_registers, cfg.max_bits, cfg.max_gap].join();
  let byKey = shared.get(cfg.tags);
  if (!byKey) shared.set(cfg.tags, byKey = new Map());
  let layout = byKey.get(key);
  if (!layout) byKey.set(key, layout = plan(cfg, id));
  return layout;
}

function plan(cfg: ModbusDeviceConfig, id: string): Layout {
  const tags = cfg.tags.map((t, i) => resolveTag(cfg, t, i, id));
  const limits = { maxRegisters: cfg.max_registers, maxBits: cfg.max_bits, maxGap: cfg.max_gap };
  const groups = new Map<string, GroupLayout>();
  for (const name of new Set(tags.map((t) => t.group))) {
    const members = tags.filter((t) => t.group === name);
    groups.set(name, { members, requests: planReads(members, limits) });
  }
  return { tags, groups };
}
