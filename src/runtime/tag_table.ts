import { Interner } from "../model/intern.ts";
import type { TagMeta, TagType } from "../model/tag.ts";
import type { TagsFrame } from "./frames.ts";

/**
 * One source's tags in columns, each exactly as long as the source's tags (an array grown one
 * index at a time keeps room for twice as many). A tag's UNS path is its name after the source's
 * path prefix, and its device the source's, unless it says otherwise: 20 tags of a device keep
 * one prefix and one device id, not 20 of each.
 */
class SourceTags {
  names: (string | undefined)[] = [];
  types: TagType[] = [];
  writable: boolean[] = [];
  units?: (string | undefined)[];
  groups?: (string | undefined)[];
  device?: string;
  /** Devices other than `device`, by index. */
  devices?: Map<number, string>;
  prefix?: string;
  /** Paths that are not prefix + name, by index. */
  paths?: Map<number, string>;

  /** Makes room for `n` tags. */
  reserve(n: number): void {
    if (this.names.length >= n) return;
    const resized = <T>(a: T[]) => Array.from({ length: n }, (_, i) => a[i]);
    this.names = resized(this.names);
    this.types = resized(this.types);
    this.writable = resized(this.writable);
    if (this.units) this.units = resized(this.units);
    if (this.groups) this.groups = resized(this.groups);
  }

  set(i: number, tag: TagMeta, strings: Interner): void {
    const n = this.names.length;
    this.names[i] = strings.of(tag.name);
    this.types[i] = strings.of(tag.type) as TagType;
    this.writable[i] = tag.writable;
    if (tag.unit !== undefined || this.units) {
      (this.units ??= Array.from({ length: n }))[i] = strings.maybe(tag.unit);
    }
    if (tag.group !== undefined || this.groups) {
      (this.groups ??= Array.from({ length: n }))[i] = strings.maybe(tag.group);
    }
    this.device ??= strings.of(tag.device);
    if (tag.device === this.device) this.devices?.delete(i);
    else (this.devices ??= new Map()).set(i, strings.of(tag.device));
    const { path, name } = tag;
    this.prefix ??= path.endsWith(name) ? path.slice(0, path.length - name.length) : undefined;
    if (this.prefix !== undefined && path === this.prefix + name) this.paths?.delete(i);
    else (this.paths ??= new Map()).set(i, path);
  }

  get(i: number): TagMeta | undefined {
    const name = this.names[i];
    if (name === undefined) return undefined;
    const meta: TagMeta = {
      name,
      device: this.devices?.get(i) ?? this.device!,
      path: this.paths?.get(i) ?? this.prefix + name,
      type: this.types[i],
      writable: this.writable[i],
    };
    const unit = this.units?.[i], group = this.groups?.[i];
    if (unit !== undefined) meta.unit = unit;
    if (group !== undefined) meta.group = group;
    return meta;
  }
}

/**
 * The tags every source registered, as the main thread keeps them for the API and commands: in
 * columns, each tag made again when asked for. As one object a tag, 1,000 Modbus devices of 20
 * tags held 2 MB of the main thread's heap; a sink keeps its TagCatalog of objects, which it reads
 * for every sample.
 */
export class TagTable {
  #bySource = new Map<number, SourceTags>();
  #strings = new Interner();

  /** Adds the tags of a frame (a re-sent frame overwrites the same indexes). */
  add(frame: TagsFrame): void {
    let tags = this.#bySource.get(frame.source);
    if (!tags) this.#bySource.set(frame.source, tags = new SourceTags());
    tags.reserve(frame.first + frame.tags.length);
    for (let i = 0; i < frame.tags.length; i++) {
      tags.set(frame.first + i, frame.tags[i], this.#strings);
    }
  }

  /** Forgets a source that went away (its device was removed). */
  forget(source: number): void {
    this.#bySource.delete(source);
  }

  /** The tag of a source at `index`, if registered. */
  get(source: number, index: number): TagMeta | undefined {
    return this.#bySource.get(source)?.get(index);
  }

  /** Every registered tag of a source with its index, in index order. */
  of(source: number): [number, TagMeta][] {
    const tags = this.#bySource.get(source);
    if (!tags) return [];
    const out: [number, TagMeta][] = [];
    for (let i = 0; i < tags.names.length; i++) {
      const meta = tags.get(i);
      if (meta) out.push([i, meta]);
    }
    return out;
  }
}
