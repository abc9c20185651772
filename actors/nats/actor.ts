import { jetstream } from "@nats-io/jetstream";
import type { NatsSinkConfig } from "./config.ts";
import {
  type ActorContext,
  connectNats,
  runBufferedSink,
  type SinkWriter,
  type Verdict,
} from "../../src/runtime/kit.ts";
import { messagesOf } from "./messages.ts";
import { ensureStream } from "./stream.ts";

/** Publishes awaiting their acks at once, per write. */
const WINDOW = 1000;

/** A message the server will never take (over its max_payload) is rejected; the rest retried. */
function classify(err: unknown): Verdict {
  return /max.?payload/i.test((err as Error).message ?? "") ? "reject" : "retry";
}

async function connect(ctx: ActorContext<NatsSinkConfig>): Promise<SinkWriter> {
  const cfg = ctx.config;
  const nc = await connectNats(cfg, `${ctx.gateway}-${ctx.id}`, cfg.timeout_ms);
  try {
    await ensureStream(nc, cfg, cfg.timeout_ms);
  } catch (err) {
    await nc.close().catch(() => {});
    throw err;
  }
  const js = jetstream(nc, { timeout: cfg.timeout_ms });
  return {
    async write(rows) {
      const messages = rows.blocks.flatMap((b) => messagesOf(cfg.subject_prefix, b));
      for (let at = 0; at < messages.length; at += WINDOW) {
        const acks = await Promise.all(
          messages.slice(at, at + WINDOW).map((m) =>
            js.publish(m.subject, m.payload, { msgID: m.id, timeout: cfg.timeout_ms })
          ),
        );
        const duplicates = acks.filter((a) => a.duplicate).length;
        if (duplicates > 0) ctx.counters.duplicates = (ctx.counters.duplicates ?? 0) + duplicates;
      }
    },
    classify,
    close: () => nc.close(),
  };
}

/**
 * The NATS JetStream sink: every value it is routed to goes through its disk buffer into a
 * stream, one message per device and time, each with an id so that what a replay after a crash
 * sends again is not stored twice (within the stream's duplicate window).
 */
export default async function nats(ctx: ActorContext<NatsSinkConfig>): Promise<void> {
  await runBufferedSink(ctx, ctx.config, () => connect(ctx));
}
