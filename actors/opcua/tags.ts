import { AttributeIds, type ClientSession, makeBrowsePath, StatusCodes } from "node-opcua";
import type { OpcuaDeviceConfig, OpcuaTagConfig, OpcuaType } from "./config.ts";
import { type TagMeta, unsPath, type UnsPrefix } from "../../src/model/tag.ts";
import { opcuaTypeName, tagTypeOf } from "./values.ts";

/** A configured tag with its index and, once known, the node's DataType. */
export interface OpcuaTag {
  index: number;
  cfg: OpcuaTagConfig;
  /** From the config, else read from the server at connect; undefined when not a built-in type. */
  type?: OpcuaType;
  /** The node id as this server numbers it (`nsu=` resolved at connect); undefined if it cannot. */
  nodeId?: string;
  /** From the config, else the node's EngineeringUnits (an AnalogItem's), read at connect. */
  unit?: string;
}

/** The tags of a device in config order. */
export function resolveTags(cfg: OpcuaDeviceConfig): OpcuaTag[] {
  return cfg.tags.map((t, index) => ({
    index,
    cfg: t,
    type: t.type,
    nodeId: t.node_id.startsWith("nsu=") ? undefined : t.node_id,
    unit: t.unit,
  }));
}

/** What sinks learn about a tag; its type is the node's as far as known. */
export function tagMeta(uns: UnsPrefix, id: string, tag: OpcuaTag): TagMeta {
  const meta: TagMeta = {
    name: tag.cfg.name,
    device: id,
    path: unsPath(uns, id, tag.cfg.name),
    type: tagTypeOf(tag.type),
    writable: tag.cfg.writable,
  };
  if (tag.unit) meta.unit = tag.unit;
  if (tag.cfg.group) meta.group = tag.cfg.group;
  return meta;
}

/** Splits a list into chunks of at most n. */
export function chunks<T>(list: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/**
 * Turns `nsu=<namespace URI>;…` node ids into `ns=<index>;…` by the server's NamespaceArray
 * (indexes may differ between servers and restarts; URIs do not). Returns the tags whose URI the
 * server does not know.
 */
export async function resolveNamespaces(
  session: ClientSession,
  tags: OpcuaTag[],
): Promise<OpcuaTag[]> {
  const expanded = tags.filter((t) => t.cfg.node_id.startsWith("nsu="));
  if (expanded.length === 0) return [];
  const dv = await session.read({ nodeId: "i=2255", attributeId: AttributeIds.Value });
  const uris = (dv.value.value ?? []) as string[];
  const unknown: OpcuaTag[] = [];
  for (const t of expanded) {
    const m = /^nsu=([^;]+);(.+)$/.exec(t.cfg.node_id)!;
    const index = uris.indexOf(m[1]);
    t.nodeId = index < 0 ? undefined : `ns=${index};${m[2]}`;
    if (index < 0) unknown.push(t);
  }
  return unknown;
}

/** Reads the DataType of every tag that does not declare its type, `perCall` nodes a request. */
export async function readTypes(
  session: ClientSession,
  tags: OpcuaTag[],
  perCall: number,
): Promise<void> {
  const unknown = tags.filter((t) => t.cfg.type === undefined && t.nodeId !== undefined);
  for (const part of chunks(unknown, perCall)) {
    const values = await session.read(
      part.map((t) => ({ nodeId: t.nodeId!, attributeId: AttributeIds.DataType })),
    );
    values.forEach((dv, i) => {
      if (dv.statusCode.value !== StatusCodes.Good.value) return;
      const id = dv.value.value as { namespace: number; value: unknown };
      if (id?.namespace === 0 && typeof id.value === "number") {
        part[i].type = opcuaTypeName(id.value);
      }
    });
  }
}

/** Reads the EngineeringUnits of every tag without a configured unit (its display name, e.g. °C). */
export async function readUnits(
  session: ClientSession,
  tags: OpcuaTag[],
  perCall: number,
): Promise<void> {
  const missing = tags.filter((t) => t.unit === undefined && t.nodeId !== undefined);
  for (const part of chunks(missing, perCall)) {
    const found = await session.translateBrowsePath(
      part.map((t) => makeBrowsePath(t.nodeId!, "/0:EngineeringUnits")),
    );
    const withUnits = part.flatMap((t, i) => {
      const target = found[i].targets?.[0]?.targetId;
      return found[i].statusCode.value === 0 && target ? [{ t, target }] : [];
    });
    if (withUnits.length === 0) continue;
    const values = await session.read(
      withUnits.map(({ target }) => ({ nodeId: target, attributeId: AttributeIds.Value })),
    );
    values.forEach((dv, i) => {
      const text = (dv.value.value as { displayName?: { text?: string } } | null)?.displayName
        ?.text;
      if (text) withUnits[i].t.unit = text;
    });
  }
}
