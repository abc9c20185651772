import type { MqttSourceConfig } from "../src/config/mqtt_source.ts";
import { BatchBuilder } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import { unsPath } from "../src/model/tag.ts";
import type { ActorContext, Output } from "../src/runtime/actor.ts";
import type { DiskBuffer, Peeked } from "../src/runtime/disk_buffer.ts";
import { ReadAhead } from "../src/runtime/read_ahead.ts";
import { deadLetter } from "./mqtt_source_dead_letter.ts";
import type { MappedCache } from "./mqtt_source_cache.ts";
import { mapMessage, type Mapped } from "./mqtt_source_map.ts";
import { decodeKept } from "./mqtt_source_record.ts";

type Config = MqttSourceConfig & { gateway?: string };
const dec = new TextDecoder();

/** Samples per batch the source sends on. */
const BATCH_SAMPLES = 5000;

/** How long a stopping source waits for the sinks to confirm what it sent; the rest replays. */
const CONFIRM_WAIT_MS = 5000;

/**
 * Sends the buffer on to the router, oldest first, registering tags the first time they appear.
 * A record leaves the buffer only once every routed sink confirmed it stored the batch holding it
 * (receipts come back in order), so a crash at any point replays it instead of losing it; when a
 * sink worker dies with a batch in flight, everything not yet confirmed is sent again.
 */
export async function forward(
  ctx: ActorContext,
  dir: string,
  buffer: DiskBuffer,
  mapped: MappedCache,
  stopping: { now: boolean },
  onWait: (wake: () => void) => void,
): Promise<void> {
  const output = ctx.output!;
  const cfg = ctx.config as Config;
  const index = new TagIndex();
  const reader = new ReadAhead(buffer);
  let rewind = false; // a sink worker died with a batch in flight: send from the oldest again
  let wakeAll: (() => void) | undefined;
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
    const chunk = await reader.next(16);
    if (!chunk) { // counts catching up with acks in progress
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    const values = await valuesOf(ctx, dir, mapped, chunk.taken);
    if (values.length === 0) { // every message of these records was dead-lettered
      reader.done(chunk);
      continue;
    }
    registerNew(output, cfg, index, values);
    // Batches of a bounded size keep the stages after this one busy at once.
    let unconfirmed = Math.ceil(values.length / BATCH_SAMPLES), lost = false;
    for (let from = 0; from < values.length; from += BATCH_SAMPLES) {
      const slice = values.slice(from, from + BATCH_SAMPLES);
      const builder = new BatchBuilder(output.source, slice.length);
      for (const v of slice) {
        const tag = index.get(v.device, v.tag)!;
        if (typeof v.value === "string") builder.pushText(tag, v.ts, v.value, Quality.good);
        else builder.push(tag, v.ts, v.value, Quality.good);
      }
      await output.send(builder.build(), undefined, (stored) => {
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
    await new Promise((r) => setTimeout(r, 20));
  }
  await reader.acked();
}

/**
 * The values of the messages in peeked records, mapped now. A message that no longer maps (the
 * mapping changed across a restart) is dead-lettered here; records of the older form hold values.
 */
async function valuesOf(
  ctx: ActorContext,
  dir: string,
  mapped: MappedCache,
  taken: Peeked,
): Promise<Mapped[]> {
  const cfg = ctx.config as Config;
  const values: Mapped[] = [];
  for (const r of taken.records) {
    const cached = mapped.take(r.ts, r.payload.length);
    if (cached) {
      for (const v of cached) values.push(v);
      continue;
    }
    const kept = decodeKept(r.payload);
    if (!kept) {
      values.push(...JSON.parse(dec.decode(r.payload)) as Mapped[]);
      continue;
    }
    for (const m of kept) {
      try {
        values.push(...mapMessage(m.topic, m.payload, cfg, ctx.id, m.at));
      } catch (err) {
        await deadLetter(ctx, dir, m.topic, m.payload, (err as Error).message);
      }
    }
  }
  return values;
}

/** Tag indexes by device, then tag name: no key strings built per value. */
class TagIndex {
  #byDevice = new Map<string, Map<string, number>>();
  get(device: string, tag: string): number | undefined {
    return this.#byDevice.get(device)?.get(tag);
  }
  set(device: string, tag: string, index: number): void {
    let tags = this.#byDevice.get(device);
    if (!tags) this.#byDevice.set(device, tags = new Map());
    tags.set(tag, index);
  }
}

/** Registers the tags seen for the first time in these values. */
function registerNew(output: Output, cfg: Config, index: TagIndex, values: Mapped[]): void {
  const added = new Map<string, Mapped>();
  for (const v of values) {
    if (index.get(v.device, v.tag) !== undefined) continue;
    const key = `${v.device}/${v.tag}`;
    if (!added.has(key)) added.set(key, v);
  }
  if (added.size === 0) return;
  const metas = [...added.values()].map((v) => ({
    name: v.tag,
    device: v.device,
    path: unsPath(cfg.uns ?? {}, v.device, v.tag),
    type: v.bool
      ? "bool" as const
      : typeof v.value === "string"
      ? "string" as const
      : "float64" as const,
    writable: false,
  }));
  const first = output.registerTags(metas);
  [...added.values()].forEach((v, i) => index.set(v.device, v.tag, first + i));
}
