import { AttributeIds, type ClientSession, StatusCodes } from "node-opcua";
import type { OpcuaDeviceConfig, OpcuaTagConfig, OpcuaType } from "../src/config/opcua.ts";
import { type TagMeta, unsPath } from "../src/model/tag.ts";
import { opcuaTypeName, tagTypeOf } from "./opcua_values.ts";

/** A configured tag with its index and, once known, the node's DataType. */
export interface OpcuaTag {
  index: number;
  cfg: OpcuaTagConfig;
  /** From the config, else read from the server at connect; undefined when not a built-in type. */
  type?: OpcuaType;
  /** The node id as this server numbers it (`nsu=` resolved at connect); undefined if it cannot. */
  nodeId?: string;
}

/** The tags of a device in config order. */
export function resolveTags(cfg: OpcuaDeviceConfig): OpcuaTag[] {
  return cfg.tags.map((t, index) => ({
    index,
    cfg: t,
    type: t.type,
    nodeId: t.node_id.startsWith("nsu=") ? undefined : t.node_id,
  }));
}

/** What sinks learn about a tag; its type is the node's as far as known. */
export function tagMeta(dev: OpcuaDeviceConfig, id: string, tag: OpcuaTag): TagMeta {
  const meta: TagMeta = {
    name: tag.cfg.name,
    device: id,
    path: unsPath(dev.uns ?? {}, id, tag.cfg.name),
    type: tagTypeOf(tag.type),
    writable: tag.cfg.writable,
  };
  if (tag.cfg.unit) meta.unit = tag.cfg.unit;
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
