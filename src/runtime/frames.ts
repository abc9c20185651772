import { type SampleBatch, transferList } from "../model/batch.ts";
import { Interner } from "../model/intern.ts";
import type { TagMeta } from "../model/tag.ts";
import { ChannelReceiver, ChannelSender } from "./channel.ts";
import type { Port } from "./local_port.ts";

/** Registers tags of a source: `tags[i]` gets index `first + i`. Sent before batches using them. */
export interface TagsFrame {
  type: "tags";
  source: number;
  first: number;
  tags: TagMeta[];
}

/** The sample channel between actors and the router: batches cost credit, tag frames do not. */
export type BatchSender = ChannelSender<SampleBatch, TagsFrame>;
export type BatchReceiver = ChannelReceiver<SampleBatch, TagsFrame>;

/** A sender of sample batches that transfers each batch's buffer (see ChannelSender on coalescing). */
export function batchSender(port: Port, capacity: number, coalesceMs = 0): BatchSender {
  return new ChannelSender<SampleBatch, TagsFrame>(port, capacity, transferList, coalesceMs);
}

/** A receiver of sample batches; tag frames go to onTags on arrival. */
export function batchReceiver(
  port: Port,
  onTags: (frame: TagsFrame) => void,
): BatchReceiver {
  return new ChannelReceiver<SampleBatch, TagsFrame>(port, { onControl: onTags });
}

/**
 * A registered tag as a catalog keeps it: a new object whose properties are all inside it (a
 * cloned one keeps those past the fourth in a second array, 24 bytes more a tag), with the names
 * that many tags share taken from `strings`.
 */
function kept(tag: TagMeta, strings: Interner): TagMeta {
  const name = strings.of(tag.name), device = strings.of(tag.device), path = tag.path;
  const type = strings.of(tag.type) as TagMeta["type"], writable = tag.writable;
  const unit = strings.maybe(tag.unit), group = strings.maybe(tag.group);
  if (unit === undefined) {
    return group === undefined
      ? { name, device, path, type, writable }
      : { name, device, path, type, writable, group };
  }
  return group === undefined
    ? { name, device, path, type, writable, unit }
    : { name, device, path, type, writable, unit, group };
}

/** Tag metadata per source, as registered so far; what a sink keeps to name samples. */
export class TagCatalog {
  #bySource = new Map<number, TagMeta[]>();
  /** Goes up with every frame added: a reader that saw this version has seen every tag. */
  version = 0;

  /**
   * @param strings where names shared by many tags (types, groups, ids) get one copy: tags
   *   arrive cloned, each with its own; a worker's catalogs share one
   */
  constructor(private readonly strings = new Interner()) {}

  /** Adds the tags of a frame (a re-sent frame overwrites the same indexes). */
  add(frame: TagsFrame): void {
    this.version++;
    let list = this.#bySource.get(frame.source);
    if (!list) this.#bySource.set(frame.source, list = []);
    for (let i = 0; i < frame.tags.length; i++) {
      list[frame.first + i] = kept(frame.tags[i], this.strings);
    }
  }

  /** Forgets a source that went away (its device was removed). */
  forget(source: number): void {
    if (this.#bySource.delete(source)) this.version++;
  }

  /** The tag a batch row refers to, if registered. */
  get(source: number, index: number): TagMeta | undefined {
    return this.#bySource.get(source)?.[index];
  }

  /** Every tag of a source, by index. */
  of(source: number): readonly (TagMeta | undefined)[] | undefined {
    return this.#bySource.get(source);
  }

  /** Every source's tags as frames, for replay to a newly attached sink. */
  frames(): TagsFrame[] {
    return [...this.#bySource].map(([source, tags]) => ({ type: "tags", source, first: 0, tags }));
  }

  /** Tags of one source as one frame. */
  frame(source: number): TagsFrame | undefined {
    const tags = this.#bySource.get(source);
    return tags ? { type: "tags", source, first: 0, tags } : undefined;
  }
}
