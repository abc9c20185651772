import mqtt, { type IClientOptions } from "mqtt";
import type { MqttSourceConfig } from "./config.ts";
import {
  type ActorContext,
  deadLetterMessage,
  decodeKept,
  forward,
  type HeldStream,
  mapMessage,
  type Mapped,
  MappedCache,
  noDebugLog,
  openBuffer,
  safeUrl,
  tlsOptions,
  TurnAppender,
  Turns,
  whenAborted,
} from "../../src/runtime/kit.ts";
import { digestOf, Redeliveries } from "./redeliveries.ts";

/**
 * The MQTT source: subscribes, maps each JSON message to samples by configuration, appends them
 * to its disk buffer and only then acknowledges a QoS 1 message, so what the broker handed over
 * survives a crash. A forwarder sends the buffer on to the sinks, registering tags as they
 * first appear. Bad messages are counted and dead-lettered with the reason.
 */
export default async function mqttSource(ctx: ActorContext<MqttSourceConfig>): Promise<void> {
  const cfg = ctx.config;
  const { dir, buffer } = await openBuffer(ctx, cfg.buffer);
  let pending = 0;
  // Arrival times in µs, rising: messages taken in the same ms are still told apart (a table
  // keyed by time would otherwise keep one of them).
  let lastArrival = 0;
  const arrival = () =>
    lastArrival = Math.max(performance.timeOrigin + performance.now(), lastArrival + 0.001);
  let wake: (() => void) | undefined;
  const mapped = new MappedCache();
  const last = buffer.lastAtOpen && decodeKept(buffer.lastAtOpen);
  const ledger = await Redeliveries.open(dir, last || []);
  const appender = new TurnAppender(buffer, mapped, (messages) => {
    ledger.add(messages);
    wake?.();
  }, (err) => {
    ctx.counters.errors++;
    ctx.setState("degraded", `Cannot write to the buffer: ${err.message}`);
  });
  // A client works through a socket full of messages in microtasks: the forwarder in this worker
  // (and its channel credit) get a turn every few ms.
  const turns = new Turns();
  const take = async (
    topic: string,
    payload: Uint8Array,
    client = 0,
    packetId = 0,
  ): Promise<void> => {
    ctx.counters.messages = (ctx.counters.messages ?? 0) + 1;
    const at = arrival();
    let values: Mapped;
    try {
      if (payload.length > cfg.max_payload_bytes) {
        throw new Error(
          `payload of ${payload.length} bytes is over max_payload_bytes ${cfg.max_payload_bytes}`,
        );
      }
      values = mapMessage(topic, payload, cfg, ctx.id, at);
    } catch (err) {
      return await deadLetterMessage(ctx, dir, topic, payload, (err as Error).message);
    }
    appender.add({ topic, payload, at, client, packetId }, values);
    ctx.counters.samples_in += values.tags.length;
    await turns.pause();
  };

  const clientId = cfg.client_id ?? `${ctx.gateway}-${ctx.id}`;
  const tls = await tlsOptions(cfg.tls);
  const topics = sharedTopics(cfg, clientId.replace(/[/+#]/g, "_"));
  const subscribed = new Set<number>();
  const connect = (k: number) => {
    const options: IClientOptions = {
      ...tls,
      log: noDebugLog,
      clientId: k === 0 ? clientId : `${clientId}-${k}`,
      username: cfg.username || undefined,
      password: cfg.password || undefined,
      // A persistent session: the broker keeps QoS 1 messages while the gateway is away.
      clean: false,
      properties: { sessionExpiryInterval: cfg.session_expiry_s },
      reconnectPeriod: cfg.reconnect_ms,
      keepalive: cfg.keepalive_s,
      protocolVersion: 5,
      // QoS 1: the PUBACK leaves once the message is in the buffer (or dead-lettered).
      customHandleAcks: (topic, message, packet, done) => {
        const id = packet.messageId ?? 0;
        if (ledger.isCopy(k, id, digestOf(topic, message), packet.dup)) {
          // Sent again after a crash or a lost PUBACK: stored already, once.
          ctx.counters.redelivered = (ctx.counters.redelivered ?? 0) + 1;
          return done(0);
        }
        take(topic, message, k, id).then(() => done(0), () => done(0x80));
      },
    };
    const client = mqtt.connect(cfg.url, options);
    // PUBACKs wait in the socket until the turn's messages are in the buffer (TurnAppender).
    client.on("packetreceive", () => appender.hold(client.stream as unknown as HeldStream));
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
  await appender.settled();
  stopping.now = true;
  wake?.();
  await forwarded;
  ledger.close();
  await buffer.close();
}

/**
 * The subscriptions as the clients make them: with several connections each filter becomes a
 * shared subscription of one group (a filter that is shared already keeps its own group).
 */
function sharedTopics(
  cfg: MqttSourceConfig,
  group: string,
): MqttSourceConfig["subscriptions"] {
  if (cfg.connections === 1) return cfg.subscriptions;
  return cfg.subscriptions.map((s) => ({
    ...s,
    topic: s.topic.startsWith("$share/") ? s.topic : `$share/${group}/${s.topic}`,
  }));
}
