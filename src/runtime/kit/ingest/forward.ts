import type { IngestConfig } from "../../../model/ingest.ts";
import { BatchBuilder, type SampleBatch } from "../../../model/batch.ts";
import { Quality } from "../../../model/sample.ts";
import { unsPath, type UnsPrefix } from "../../../model/tag.ts";
import type { ActorContext, Output } from "../../actor.ts";
import type { DiskBuffer } from "../../disk_buffer.ts";
import type { Peeked } from "../../disk_cursor.ts";
import type { Health } from "../../health/actor_health.ts";
import { ReadAhead } from "../../read_ahead.ts";
import { sleep } from "../sleep.ts";
import { deadLetterMessage } from "./dead_letter.ts";
import { ExpectedIntervals } from "./expected.ts";
import type { MappedCache } from "./cache.ts";
import { mapMessage, type Mapped } from "./map.ts";
import { decodeKept } from "./record.ts";

const dec = new TextDecoder();

/** Samples per batch the source sends on. */
const BATCH_SAMPLES = 10000;

/** Records (messages, or groups of them) worth a batch, and how long to wait for that many. */
const FILL_RECORDS = 64;
const LINGER_MS = 3;

/** How long a stopping source waits for the sinks to confirm what it sent; the rest replays. */
const CONFIRM_WAIT_MS = 5000;

/**
 * Sends the buffer on to the sinks, oldest first, registering tags the first time they appear.
 * A record leaves the buffer only once every routed sink confirmed it stored the batch holding it
 * (receipts come back in order), so a crash at any point replays it instead of losing it; when a
 * sink worker dies with a batch in flight, everything not yet confirmed is sent again.
 */
export async function forward(
  ctx: ActorContext<IngestConfig>,
  dir: string,
  buffer: DiskBuffer,
  mapped: MappedCache,
  stopping: { now: boolean },
  onWait: (wake: () => void) => void,
): Promise<void> {
  const output = ctx.output!;
  const index = new TagIndex();
  const tags: TagSide = {
    output,
    uns: ctx.uns,
    health: ctx.health,
    expected: new ExpectedIntervals(ctx.config.expected),
  };
  const reader = new ReadAhead(buffer);
  let rewind = false; // a sink worker died with a batch in flight: send from the oldest again
  let wakeAll: (() => void) | undefined;
  let lingered = false;
  reader.onAcked = () => wakeAll?.();
  for (;;) {
    if (rewind) {
      rewind = false;
      ctx.counters.resent = (ctx.counters.resent ?? 0) + await reader.rewind();
      continue;
    }
    if (reader.unread <= 0) {
      if (stopping.now) break;
      await new Promise<void>((resolve) => onWait(wakeAll = resolve));
      continue;
    }
    if (reader.unread < FILL_RECORDS && !lingered && !stopping.now) {
      // A few messages more make one batch where each would be its own, and every stage after
      // this one pays per batch: wait for them, once, briefly.
      lingered = true;
      await sleep(LINGER_MS);
      continue;
    }
    lingered = false;
    const chunk = await reader.next(256);
    if (!chunk) { // counts catching up with acks in progress
      await sleep(5);
      continue;
    }
    const messages = await messagesOf(ctx, dir, mapped, chunk.taken);
    if (messages.length === 0) { // every message of these records was dead-lettered
      reader.done(chunk);
      continue;
    }
    // Batches of a bounded size keep the stages after this one busy at once.
    const groups = inBatches(messages);
    let unconfirmed = groups.length, lost = false;
    for (const group of groups) {
      await output.send(toBatch(tags, index, group), undefined, (stored) => {
        lost ||= !stored;
        if (--unconfirmed > 0 || !reader.out.includes(chunk)) return; // or rewound already
        if (!lost) return reader.done(chunk);
        rewind = true;
        wakeAll?.();
      });
    }
  }
  // Stopping: give the sinks a moment to confirm; whatever they did not stays for the next start.
  const deadline = Date.now() + CONFIRM_WAIT_MS;
  while (reader.out.length > 0 && Date.now() < deadline) {
    await sleep(20);
  }
  await reader.acked();
}

/**
 * The mapped messages of peeked records, mapped now if not cached. A message that no longer maps
 * (the mapping changed across a restart) is dead-lettered here; records of the older form hold
 * values.
 */
async function messagesOf(
  ctx: ActorContext<IngestConfig>,
  dir: string,
  mapped: MappedCache,
  taken: Peeked,
): Promise<Mapped[]> {
  const cfg = ctx.config;
  const out: Mapped[] = [];
  for (const r of taken.records) {
    const cached = mapped.take(r.ts, r.payload.length);
    if (cached) {
      for (const m of cached) out.push(m);
      continue;
    }
    const kept = decodeKept(r.payload);
    if (!kept) {
      out.push(...fromValues(JSON.parse(dec.decode(r.payload))));
      continue;
    }
    for (const m of kept) {
      try {
        out.push(mapMessage(m.topic, m.payload, cfg, ctx.id, m.at));
      } catch (err) {
        await deadLetterMessage(ctx, dir, m.topic, m.payload, (err as Error).message);
      }
    }
  }
  return out;
}

/** Records of the older form: one object per value; values of a device and time belong together. */
function fromValues(
  values: { device: string; tag: string; ts: number; value: number | string; bool: boolean }[],
): Mapped[] {
  const out: Mapped[] = [];
  for (const v of values) {
    let m = out.at(-1);
    if (!m || m.device !== v.device || m.ts !== v.ts) {
      out.push(m = { device: v.device, ts: v.ts, tags: [], values: [] });
    }
    if (v.bool) (m.bools ??= []).push(m.values.length);
    m.tags.push(v.tag);
    m.values.push(v.value);
  }
  return out;
}

/** Messages in groups of about BATCH_SAMPLES values (a message is never split). */
function inBatches(messages: Mapped[]): Mapped[][] {
  const groups: Mapped[][] = [];
  let group: Mapped[] = [], values = 0;
  for (const m of messages) {
    group.push(m);
    values += m.tags.length;
    if (values >= BATCH_SAMPLES) {
      groups.push(group);
      group = [];
      values = 0;
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Tag indexes by device, then tag name: no key strings built per value. */
class TagIndex {
  #byDevice = new Map<string, Map<string, number>>();
  of(device: string): Map<string, number> {
    let tags = this.#byDevice.get(device);
    if (!tags) this.#byDevice.set(device, tags = new Map());
    return tags;
  }
}

/** Where tags are registered, and what the runtime is told about their values. */
interface TagSide {
  output: Output;
  uns: UnsPrefix;
  health: Health;
  expected: ExpectedIntervals;
}

/**
 * A batch of these messages' values, registering tags the first time they appear; each value is
 * a reading for the runtime's health (tags with an expected interval go stale without one).
 */
function toBatch(side: TagSide, index: TagIndex, messages: Mapped[]): SampleBatch {
  let count = 0;
  for (const m of messages) count += m.tags.length;
  const builder = new BatchBuilder(side.output.source, count);
  const now = Date.now();
  for (const m of messages) {
    const ids = index.of(m.device);
    for (let i = 0; i < m.tags.length; i++) {
      const tag = ids.get(m.tags[i]) ?? registerFrom(side, ids, m, i);
      const v = m.values[i];
      side.health.reading(tag, v, Quality.good, undefined, now);
      if (typeof v === "string") builder.pushText(tag, m.ts, v, Quality.good);
      else builder.push(tag, m.ts, v, Quality.good);
    }
  }
  return builder.build();
}

/** Registers the tags of a message from position `from` on not known yet; the index of the first. */
function registerFrom(side: TagSide, ids: Map<string, number>, m: Mapped, from: number): number {
  const { output, uns } = side;
  const fresh: number[] = [];
  for (let i = from; i < m.tags.length; i++) if (!ids.has(m.tags[i])) fresh.push(i);
  const first = output.registerTags(fresh.map((i) => ({
    name: m.tags[i],
    device: m.device,
    path: unsPath(uns, m.device, m.tags[i]),
    type: m.bools?.includes(i)
      ? "bool" as const
      : typeof m.values[i] === "string"
      ? "string" as const
      : "float64" as const,
    writable: false,
  })));
  fresh.forEach((i, k) => {
    ids.set(m.tags[i], first + k);
    const every = side.expected.of(m.device, m.tags[i]);
    if (every !== undefined) side.health.expect(first + k, every);
  });
  return first;
}
