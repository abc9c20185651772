import mqtt, { type IClientOptions } from "mqtt";
import type { MqttSourceConfig } from "../src/config/mqtt_source.ts";
import { BatchBuilder } from "../src/model/batch.ts";
import { Quality } from "../src/model/sample.ts";
import { unsPath } from "../src/model/tag.ts";
import type { ActorContext, Output } from "../src/runtime/actor.ts";
import type { Cursor, DiskBuffer, Peeked } from "../src/runtime/disk_buffer.ts";
import { openBuffer } from "./buffered_sink.ts";
import { whenAborted } from "../src/runtime/schedule.ts";
import { mapMessage, type Mapped } from "./mqtt_source_map.ts";
import { decodeKept, encodeKept, type KeptMessage } from "./mqtt_source_record.ts";
import { MappedCache } from "./mqtt_source_cache.ts";
import { safeUrl } from "./mqtt_link.ts";

type Config = MqttSourceConfig & { gateway?: string };
const dec = new TextDecoder();

/**
 * The MQTT source: subscribes, maps each JSON message to samples by configuration, appends them
 * to its disk buffer and only then acknowledges a QoS 1 message, so what the broker handed over
 * survives a crash. A forwarder sends the buffer on to the router, registering tags as they
 * first appear. Bad messages are counted and dead-lettered with the reason.
 */
export default async function mqttSource(ctx: ActorContext): Promise<void> {
  const cfg = ctx.config as Config;
  const { dir, buffer } = await openBuffer(ctx.id, cfg.buffer);
  let pending = 0;
  // Arrival times in µs, rising: messages taken in the same ms are still told apart (a table
  // keyed by time would otherwise keep one of them).
  let lastArrival = 0;
  const arrival = () =>
    lastArrival = Math.max(performance.timeOrigin + performance.now(), lastArrival + 0.001);
  let wake: (() => void) | undefined;
  const mapped = new MappedCache();
  const appender = new GroupAppender(buffer, mapped, () => wake?.());
  const take = async (topic: string, payload: Uint8Array): Promise<void> => {
    ctx.counters.messages = (ctx.counters.messages ?? 0) + 1;
    const at = arrival();
    let values: Mapped[];
    try {
      if (payload.length > cfg.max_payload_bytes) {
        throw new Error(
          `payload of ${payload.length} bytes is over max_payload_bytes ${cfg.max_payload_bytes}`,
        );
      }
      values = mapMessage(topic, payload, cfg, ctx.id, at);
    } catch (err) {
      return await deadLetter(ctx, dir, topic, payload, (err as Error).message);
    }
    await appender.append({ topic, payload, at }, values);
    ctx.counters.samples_in += values.length;
  };

  const clientId = cfg.client_id ?? `${cfg.gateway ?? "tagflow"}-${ctx.id}`;
  const topics = sharedTopics(cfg, clientId.replace(/[/+#]/g, "_"));
  const subscribed = new Set<number>();
  const connect = (k: number) => {
    const options: IClientOptions = {
      clientId: k === 0 ? clientId : `${clientId}-${k}`,
      username: cfg.username || undefined,
      password: cfg.password || undefined,
      // A persistent session: the broker keeps QoS 1 messages while the gateway is away.
      clean: false,
      properties: { sessionExpiryInterval: cfg.session_expiry_s },
      reconnectPeriod: cfg.reconnect_ms,
      protocolVersion: 5,
      // QoS 1: acknowledge only once the message is in the buffer (or dead-lettered).
      customHandleAcks: (topic, message, _packet, done) => {
        take(topic, message).then(() => done(0), () => done(0x80));
      },
    };
    const client = mqtt.connect(cfg.url, options);
    client.on("connect", () => {
      // Running once the broker confirmed every subscription of every client.
      Promise.all(topics.map((s) => client.subscribeAsync(s.topic, { qos: s.qos as 0 | 1 })))
        .then(
          () => {
            subscribed.add(k);
            if (subscribed.size === cfg.connections) ctx.setState("running");
          },
          (err) => ctx.setState("degraded", `Cannot subscribe: ${err.message}`),
        );
    });
    client.on("error", (err) => {
      subscribed.delete(k);
      ctx.setState("degraded", `Cannot connect to ${safeUrl(cfg.url)}: ${err.message}`);
    });
    client.on("offline", () => {
      subscribed.delete(k);
      ctx.setState("degraded", `Cannot connect to ${safeUrl(cfg.url)}: offline`);
    });
    client.on("message", (topic, message, packet) => {
      if (packet.qos !== 0) return; // QoS 1 went through customHandleAcks
      if (pending >= cfg.max_pending) {
        ctx.counters.dropped++;
        return;
      }
      pending++;
      take(topic, message).finally(() => pending--);
    });
    return client;
  };
  const clients = Array.from({ length: cfg.connections }, (_, k) => connect(k));

  const stopping = { now: false };
  const forwarded = forward(ctx, dir, buffer, mapped, stopping, (w) => wake = w);
  await whenAborted(ctx.signal);
  await Promise.all(clients.map((c) => c.endAsync()));
  stopping.now = true;
  wake?.();
  await forwarded;
  await buffer.close();
}

/**
 * Appends the messages that arrive while a write is under way as one record: one disk write (and
 * fsync) for many messages, each acknowledged once the write holding it is done. What they mapped
 * to is kept in memory for the forwarder, which then need not map them again.
 */
class GroupAppender {
  #waiting: {
    message: KeptMessage;
    values: Mapped[];
    done: () => void;
    fail: (e: unknown) => void;
  }[] = [];
  #writing = false;
  #lastTs = 0;

  constructor(
    private readonly buffer: DiskBuffer,
    private readonly mapped: MappedCache,
    private readonly onAppended: () => void,
  ) {}

  append(message: KeptMessage, values: Mapped[]): Promise<void> {
    return new Promise((done, fail) => {
      this.#waiting.push({ message, values, done, fail });
      if (!this.#writing) this.#write();
    });
  }

  async #write(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length > 0) {
      const group = this.#waiting.splice(0);
      try {
        const record = encodeKept(group.map((g) => g.message));
        // A time no other record of this run has: the cache's key. Cached before the append, as
        // the forwarder may read the record the moment it is written.
        const ts = this.#lastTs = Math.max(Date.now(), this.#lastTs + 0.001);
        this.mapped.put(ts, record.length, group.flatMap((g) => g.values));
        await this.buffer.append(record, ts);
        group.forEach((g) => g.done());
        this.onAppended();
      } catch (err) {
        group.forEach((g) => g.fail(err));
      }
    }
    this.#writing = false;
  }
}

/**
 * The subscriptions as the clients make them: with several connections each filter becomes a
 * shared subscription of one group (a filter that is shared already keeps its own group).
 */
function sharedTopics(cfg: Config, group: string): Config["subscriptions"] {
  if (cfg.connections === 1) return cfg.subscriptions;
  return cfg.subscriptions.map((s) => ({
    ...s,
    topic: s.topic.startsWith("$share/") ? s.topic : `$share/${group}/${s.topic}`,
  }));
}

/** Samples per batch the source sends on. */
const BATCH_SAMPLES = 5000;

/** How long a stopping source waits for the sinks to confirm what it sent; the rest replays. */
const CONFIRM_WAIT_MS = 5000;

/**
 * Sends the buffer on to the router, oldest first, registering tags the first time they appear.
 * A record leaves the buffer only once every routed sink confirmed it stored the batch holding it
 * (receipts come back in order), so a crash at any point replays it instead of losing it.
 */
async function forward(
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
  const inFlight: { taken: Peeked; stored: boolean }[] = [];
  let sentRecords = 0; // peeked and sent, not yet acked
  let readFrom: Cursor | undefined;
  let acking = Promise.resolve();
  let wakeAll: (() => void) | undefined;
  const ackStored = () => {
    while (inFlight[0]?.stored) {
      const { taken } = inFlight.shift()!;
      acking = acking.then(async () => {
        await buffer.ack(taken);
        sentRecords -= taken.records.length;
      });
    }
    acking.then(() => wakeAll?.());
  };
  for (;;) {
    if (buffer.pending - sentRecords <= 0) {
      if (stopping.now) break;
      await new Promise<void>((resolve) => onWait(wakeAll = resolve));
      continue;
    }
    const taken = await buffer.peek(16, readFrom);
    if (taken.records.length === 0) { // counts catching up with acks in progress
      await acking;
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    readFrom = taken.next;
    sentRecords += taken.records.length;
    const entry = { taken, stored: false };
    inFlight.push(entry);
    const values = await valuesOf(ctx, dir, mapped, taken);
    if (values.length === 0) { // every message of these records was dead-lettered
      entry.stored = true;
      ackStored();
      continue;
    }
    registerNew(output, cfg, index, values);
    // Batches of a bounded size keep the stages after this one busy at once.
    let unconfirmed = Math.ceil(values.length / BATCH_SAMPLES);
    for (let from = 0; from < values.length; from += BATCH_SAMPLES) {
      const slice = values.slice(from, from + BATCH_SAMPLES);
      const builder = new BatchBuilder(output.source, slice.length);
      for (const v of slice) {
        const tag = index.get(v.device, v.tag)!;
        if (typeof v.value === "string") builder.pushText(tag, v.ts, v.value, Quality.good);
        else builder.push(tag, v.ts, v.value, Quality.good);
      }
      await output.send(builder.build(), undefined, () => {
        if (--unconfirmed > 0) return;
        entry.stored = true;
        ackStored();
      });
    }
  }
  // Stopping: give the sinks a moment to confirm; whatever they did not stays for the next start.
  const deadline = Date.now() + CONFIRM_WAIT_MS;
  while (inFlight.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await acking;
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

/** Writes a message that cannot be mapped to dead_letter.jsonl in the source's buffer directory. */
async function deadLetter(
  ctx: ActorContext,
  dir: string,
  topic: string,
  payload: Uint8Array,
  reason: string,
): Promise<void> {
  ctx.counters.dead_lettered = (ctx.counters.dead_lettered ?? 0) + 1;
  const text = dec.decode(payload.subarray(0, 4096));
  const line = JSON.stringify({
    at: new Date().toISOString(),
    source: ctx.id,
    topic,
    reason,
    bytes: payload.length,
    payload: text,
  }) + "\n";
  await Deno.writeTextFile(`${dir}/dead_letter.jsonl`, line, { append: true });
}
