import type { MqttClient } from "mqtt";
import type { MqttSinkConfig } from "./config.ts";
import type { SampleBatch } from "../../src/model/batch.ts";
import { type ActorContext, type TagCatalog, unlessAborted } from "../../src/runtime/kit.ts";
import { CommandTopics } from "./commands.ts";
import { mqttLink } from "./link.ts";
import { eachMessage, type PayloadOptions } from "./payload.ts";
import { retainRule } from "./retain.ts";

type Config = MqttSinkConfig & PayloadOptions & { client_id: string };

/** Batches published at once while more wait (see mqttSink). */
const MAX_IN_FLIGHT = 16;

/**
 * Publishes a batch; resolves when the broker took all of it (QoS ≥ 1: acked), rejects with the
 * first message's error. One promise per batch, not one per message.
 */
function publishBatch(
  client: MqttClient,
  closed: AbortSignal,
  batch: SampleBatch,
  tags: TagCatalog,
  cfg: Config,
  retained: (topic: string) => boolean,
): Promise<unknown> {
  const properties = mqtt5Properties(cfg);
  const opts = { qos: cfg.qos, retain: false, ...(properties && { properties }) };
  const retainOpts = { ...opts, retain: true };
  // The batch's PUBLISH packets leave in one socket write, not one each.
  const stream = client.stream as unknown as { cork?(): void; uncork?(): void };
  const all = new Promise<void>((resolve, reject) => {
    let left = 1; // the loop's own count: a callback made before the loop ends cannot settle it
    const done = (err?: Error) => err ? reject(err) : --left === 0 && resolve();
    stream.cork?.();
    try {
      eachMessage(batch, tags, cfg, (topic, payload) => {
        left++;
        client.publish(topic, payload, retained(topic) ? retainOpts : opts, done);
      });
    } finally {
      stream.uncork?.();
    }
    done();
  });
  return unlessAborted(all, closed, () => new Error("connection closed"));
}

/** The MQTT 5 properties every message carries (expiry, user properties), if any. */
function mqtt5Properties(cfg: Config) {
  if (!cfg.message_expiry_s && !cfg.user_properties) return undefined;
  return {
    ...(cfg.message_expiry_s && { messageExpiryInterval: cfg.message_expiry_s }),
    ...(cfg.user_properties && { userProperties: cfg.user_properties }),
  };
}

/**
 * The MQTT sink: each sample as JSON `{value, ts, quality}` on its UNS topic, or one JSON per
 * group poll (`format: "group"`). A batch is acked to
 * its sender only after the broker took all of it; a batch cut off by a lost connection is sent
 * again on the next one (at least once).
 */
export default async function mqttSink(ctx: ActorContext<MqttSinkConfig>): Promise<void> {
  const cfg: Config = {
    ...ctx.config,
    client_id: ctx.config.client_id ?? `${ctx.gateway}-${ctx.id}`,
    gateway: ctx.gateway,
  };
  const input = ctx.input!;
  const retained = retainRule(cfg.retain);
  const commands = cfg.commands
    ? new CommandTopics({ ...cfg.commands, topic_prefix: cfg.topic_prefix }, ctx, ctx.tags)
    : undefined;
  const link = mqttLink(cfg, ctx, commands && ((conn) => commands.attach(conn.client)));
  const stop = new AbortController();
  const linked = link.run(stop.signal);
  // Tags may register before any batch comes (a value that does not change): look every second too.
  const lookForCommands = commands && setInterval(() => commands.refresh(), 1000);
  /** Publishes a batch until the broker took all of it, on a new connection after a loss. */
  const publish = async (batch: SampleBatch): Promise<number> => {
    for (;;) {
      const conn = await link.connected(stop.signal);
      if (!conn) throw new Error("Cannot publish: the sink stopped");
      try {
        await publishBatch(conn.client, conn.closed, batch, ctx.tags, cfg, retained);
        ctx.health.wrote();
        return batch.count;
      } catch (err) {
        ctx.counters.errors++;
        ctx.health.writeFailed(`Cannot publish: ${(err as Error).message}`);
        ctx.log("warn", "publish failed; retrying on the next connection", {
          error: (err as Error).message,
        });
        if (link.current === conn) link.lost("connection lost"); // another batch may have seen it go
      }
    }
  };
  // Batches in flight, oldest first: a batch is published as it comes, without waiting for the
  // broker's acks of the ones before (up to MAX_IN_FLIGHT); waiting capped the sink at one batch
  // per round trip and queued a fleet's polls for seconds. Each is acked to its sender in order,
  // once the broker took all of it.
  const inFlight: Promise<number>[] = [];
  const takenAt: number[] = [];
  ctx.health.lagFrom(() => takenAt.length > 0 ? Date.now() - takenAt[0] : 0);
  let next: Promise<SampleBatch | undefined> | undefined = input.next();
  while (next || inFlight.length > 0) {
    const got = await Promise.race([
      ...(next && inFlight.length < MAX_IN_FLIGHT ? [next.then((batch) => ({ batch }))] : []),
      ...(inFlight.length > 0 ? [inFlight[0].then((n) => ({ n }))] : []),
    ]);
    if ("n" in got) {
      inFlight.shift();
      takenAt.shift();
      ctx.counters.samples_out += got.n;
      input.ack();
    } else if (got.batch) {
      ctx.counters.samples_in += got.batch.count;
      commands?.refresh(); // tags registered before this batch may be writable
      inFlight.push(publish(got.batch));
      takenAt.push(Date.now());
      next = input.next();
    } else next = undefined; // the input ended: finish what is in flight
  }
  clearInterval(lookForCommands);
  stop.abort();
  await linked;
}
