import type { NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstreamManager } from "@nats-io/jetstream";
import type { NatsSourceConfig } from "./config.ts";

/**
 * Makes the durable pull consumer when missing; one that exists (another member of the group
 * made it) is taken as it is, its ack wait and pending limit updated to this config's.
 */
export async function ensureConsumer(nc: NatsConnection, cfg: NatsSourceConfig): Promise<void> {
  const jsm = await jetstreamManager(nc, { timeout: cfg.timeout_ms });
  const settings = {
    ack_wait: cfg.ack_wait_s * 1e9,
    max_ack_pending: cfg.max_ack_pending,
  };
  try {
    await jsm.consumers.info(cfg.stream, cfg.durable);
    await jsm.consumers.update(cfg.stream, cfg.durable, settings);
    return;
  } catch (err) {
    if ((err as { code?: number }).code !== 10014) throw named(err, cfg); // consumer not found
  }
  try {
    await jsm.consumers.add(cfg.stream, {
      durable_name: cfg.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: cfg.deliver === "all" ? DeliverPolicy.All : DeliverPolicy.New,
      filter_subject: cfg.filter_subject,
      ...settings,
    });
  } catch (err) {
    // Made by another member at the same moment: fine.
    if ((err as { code?: number }).code !== 10148) throw named(err, cfg);
  }
}

function named(err: unknown, cfg: NatsSourceConfig): Error {
  return new Error(
    `consumer ${cfg.durable} of stream ${cfg.stream}: ${(err as Error).message}`,
  );
}
