import { type SampleBatch, transferList } from "../model/batch.ts";
import { Interner } from "../model/intern.ts";
import type { TagMeta } from "../model/tag.ts";
import { ChannelReceiver, ChannelSender } from "./channel.ts";

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
export function batchSender(port: MessagePort, capacity: number, coalesceMs = 0): BatchSender {
  return new ChannelSender<SampleBatch, TagsFrame>(port, capacity, transferList, coalesceMs);
}

/** A receiver of sample batches; tag frames go to onTags on arrival. */
export function batchReceiver(
  port: MessagePort,
  capacity: number,
  onTags: (frame: TagsFrame) => void,
  creditWhenIdle = true,
): BatchReceiver {
  return new ChannelReceiver<SampleBatch, TagsFrame>(port, capacity, {
    onControl: onTags,
    creditWhenIdle,
  });
}

/** Tag metadata per source, as registered so far; what a sink keeps to name samples. */
export class TagCatalog {
  #bySource = new Map<number, TagMeta[]>();
  /** Tags arrive cloned, each with its own copy of names shared by many (types, groups, ids). */
  #strings = new Interner();
  /** Goes up with every frame added: a reader that saw this version has seen every tag. */
  version = 0;

  /** Adds the tags of a frame (a re-sent frame overwrites the same indexes). */
  add(frame: TagsFrame): void {
    this.version++;
    let list = this.#bySource.get(frame.source);
    if (!list) this.#bySource.set(frame.source, list = []);
    const strings = this.#strings;
    frame.tags.forEach((tag, i) => {
      tag.name = strings.of(tag.name);
      tag.device = strings.of(tag.device);
      tag.type = strings.of(tag.type) as TagMeta["type"];
      if (tag.unit !== undefined) tag.unit = strings.of(tag.unit);
      if (tag.group !== undefined) tag.group = strings.of(tag.group);
      list[frame.first + i] = tag;
    });
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
