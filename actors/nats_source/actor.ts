import { jetstream, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { NatsSourceConfig } from "./config.ts";
import {
  type ActorContext,
  Backoff,
  connectNats,
  deadLetterMessage,
  forward,
  mapMessage,
  type Mapped,
  MappedCache,
  openBuffer,
  sleep,
  TurnAppender,
  Turns,
} from "../../src/runtime/kit.ts";
import { ensureConsumer } from "./consumer.ts";

/**
 * The NATS JetStream source: pulls from a durable consumer (shared by every gateway naming it),
 * maps each JSON message to samples, appends them to its disk buffer and acknowledges the
 * message only then, so a gateway killed at any moment loses nothing: what it had not
 * acknowledged goes to another member after `ack_wait_s`. A forwarder sends the buffer on.
 */
export default async function natsSource(ctx: ActorContext<NatsSourceConfig>): Promise<void> {
  const cfg = ctx.config;
  const { dir, buffer } = await openBuffer(ctx, cfg.buffer);
  let wake: (() => void) | undefined;
  const mapped = new MappedCache();
  const appender = new TurnAppender(buffer, mapped, () => wake?.(), (err) => {
    ctx.counters.errors++;
    ctx.setState("degraded", `Cannot write to the buffer: ${err.message}`);
  });
  const turns = new Turns();
  const take = async (m: JsMsg): Promise<void> => {
    ctx.counters.messages = (ctx.counters.messages ?? 0) + 1;
    if (m.redelivered) ctx.counters.redelivered = (ctx.counters.redelivered ?? 0) + 1;
    // The stream's time of the message, the same on every delivery: samples without a time of
    // their own get it, so a redelivered message makes the same rows.
    const at = Number(m.timestampNanos / 1000n) / 1000;
    const topic = m.subject.replaceAll(".", "/");
    let values: Mapped;
    try {
      if (m.data.length > cfg.max_payload_bytes) {
        throw new Error(
          `payload of ${m.data.length} bytes is over max_payload_bytes ${cfg.max_payload_bytes}`,
        );
      }
      values = mapMessage(topic, m.data, cfg, ctx.id, at);
    } catch (err) {
      await deadLetterMessage(ctx, dir, m.subject, m.data, (err as Error).message);
      return m.ack();
    }
    appender.add({ topic, payload: m.data, at }, values);
    ctx.counters.samples_in += values.tags.length;
    appender.written().then(() => m.ack(), () => m.nak());
    await turns.pause();
  };

  const stopping = { now: false };
  const forwarded = forward(ctx, dir, buffer, mapped, stopping, (w) => wake = w);
  await consumeUntilStopped(ctx, take);
  await appender.settled();
  stopping.now = true;
  wake?.();
  await forwarded;
  await buffer.close();
}

/** Connects, pulls and hands each message to `take` until the actor stops; reconnects on failure. */
async function consumeUntilStopped(
  ctx: ActorContext<NatsSourceConfig>,
  take: (m: JsMsg) => Promise<void>,
): Promise<void> {
  const cfg = ctx.config;
  const backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
  while (!ctx.signal.aborted) {
    let nc: NatsConnection | undefined;
    try {
      nc = await connectNats(cfg, `${ctx.gateway}-${ctx.id}`, cfg.timeout_ms);
      watchStatus(ctx, nc);
      await ensureConsumer(nc, cfg);
      const consumer = await jetstream(nc, { timeout: cfg.timeout_ms }).consumers
        .get(cfg.stream, cfg.durable);
      const messages = await consumer.consume({ max_messages: cfg.fetch });
      const stop = () => messages.stop();
      ctx.signal.addEventListener("abort", stop, { once: true });
      ctx.setState("running");
      backoff.reset();
      try {
        for await (const m of messages) await take(m);
      } finally {
        ctx.signal.removeEventListener("abort", stop);
      }
    } catch (err) {
      ctx.counters.errors++;
      ctx.setState(
        "degraded",
        `Cannot consume ${cfg.stream}/${cfg.durable}: ${(err as Error).message}`,
      );
    } finally {
      // Acks of what is in the buffer leave before the connection closes.
      await nc?.flush().catch(() => {});
      await nc?.close().catch(() => {});
    }
    if (!ctx.signal.aborted) await sleep(backoff.next(), ctx.signal);
  }
}

/** The connection's ups and downs as the actor's state. */
async function watchStatus(ctx: ActorContext<NatsSourceConfig>, nc: NatsConnection) {
  for await (const s of nc.status()) {
    if (s.type === "disconnect") ctx.setState("degraded", `Disconnected from ${s.server}`);
    else if (s.type === "reconnect") ctx.setState("running");
  }
}
