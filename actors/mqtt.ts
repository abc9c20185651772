import type { MqttClient } from "mqtt";
import type { MqttSinkConfig } from "../src/config/mqtt.ts";
import { rows, type SampleBatch } from "../src/model/batch.ts";
import type { ActorContext } from "../src/runtime/actor.ts";
import type { TagCatalog } from "../src/runtime/frames.ts";
import { MqttLink } from "./mqtt_link.ts";

type Config = MqttSinkConfig & { client_id: string };

/** The JSON payload of one sample on its UNS topic. */
export function samplePayload(
  value: number | string | boolean | null,
  ts: number,
  quality: string,
  unit?: string,
  reason?: string,
): string {
  const body: Record<string, unknown> = { value, ts, quality };
  if (unit) body.unit = unit;
  if (reason) body.reason = reason;
  return JSON.stringify(body);
}

/** Publishes every sample of a batch; resolves when the broker took all (QoS ≥ 1: acked). */
function publishBatch(
  client: MqttClient,
  closed: Promise<never>,
  batch: SampleBatch,
  tags: TagCatalog,
  cfg: Config,
): Promise<unknown> {
  const pending: Promise<unknown>[] = [];
  for (const s of rows(batch)) {
    const tag = tags.get(batch.source, s.tag);
    if (!tag) {
      throw new Error(
        `Cannot publish: tag ${s.tag} of source ${batch.source} was never registered`,
      );
    }
    const value = tag.type === "bool" && typeof s.value === "number" ? s.value !== 0 : s.value;
    const payload = samplePayload(value, s.ts, s.quality, tag.unit, s.reason);
    pending.push(
      client.publishAsync(cfg.topic_prefix + tag.path, payload, {
        qos: cfg.qos,
        retain: cfg.retain,
      }),
    );
  }
  return Promise.race([Promise.all(pending), closed]);
}

/**
 * The MQTT sink: each sample as JSON `{value, ts, quality}` on its UNS topic. A batch is acked to
 * the router only after the broker took all of it; a batch cut off by a lost connection is sent
 * again on the next one (at least once).
 */
export default async function mqttSink(ctx: ActorContext): Promise<void> {
  const cfg = ctx.config as Config;
  const input = ctx.input!;
  const link = new MqttLink(cfg, ctx);
  const stop = new AbortController();
  const linked = link.run(stop.signal);
  for (let batch = await input.next(); batch; batch = await input.next()) {
    ctx.counters.samples_in += batch.count;
    for (;;) {
      const client = await link.connected();
      try {
        await publishBatch(client, link.closed, batch, ctx.tags, cfg);
        break;
      } catch (err) {
        ctx.counters.errors++;
        ctx.log("warn", "publish failed; retrying on the next connection", {
          error: (err as Error).message,
        });
        link.lost();
      }
    }
    ctx.counters.samples_out += batch.count;
    input.ack();
  }
  stop.abort();
  await linked;
}
