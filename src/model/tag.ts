/** The ISA-95 levels of a Unified Namespace path, outermost first. */
export const UNS_LEVELS = ["enterprise", "site", "area", "line", "cell"] as const;
export type UnsLevel = (typeof UNS_LEVELS)[number];
export type UnsPrefix = Partial<Record<UnsLevel, string>>;

export type TagType =
  | "bool"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64"
  | "string";

/** What a sink needs to know about a tag: registered once, then referred to by index. */
export interface TagMeta {
  /** Tag name within its device. */
  name: string;
  /** Device (or source) id the tag belongs to. */
  device: string;
  /** Full UNS path: enterprise/site/area/line/cell/device/tag (empty levels left out). */
  path: string;
  type: TagType;
  unit?: string;
  writable: boolean;
  /** Poll or publish group, when the driver has groups. */
  group?: string;
}

/** Builds the UNS path of a tag; empty levels are skipped, and so are stray slashes. */
export function unsPath(prefix: UnsPrefix, device: string, tag: string): string {
  const parts = UNS_LEVELS.map((level) => prefix[level]).concat(device, tag);
  return parts
    .filter((p): p is string => typeof p === "string" && p.length > 0)
    .map((p) => p.replace(/^\/+|\/+$/g, ""))
    .join("/");
}
