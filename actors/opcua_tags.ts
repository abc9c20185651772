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
}

/** The tags of a device in config order. */
export function resolveTags(cfg: OpcuaDeviceConfig): OpcuaTag[] {
  return cfg.tags.map((t, index) => ({ index, cfg: t, type: t.type }));
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

/** Reads the DataType of every tag that does not declare its type, `perCall` nodes a request. */
export async function readTypes(
  session: ClientSession,
  tags: OpcuaTag[],
  perCall: number,
): Promise<void> {
  const unknown = tags.filter((t) => t.cfg.type === undefined);
  for (const part of chunks(unknown, perCall)) {
    const values = await session.read(
      part.map((t) => ({ nodeId: t.cfg.node_id, attributeId: AttributeIds.DataType })),
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
