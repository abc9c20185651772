import type { MqttClient } from "mqtt";
import type { MqttSinkConfig } from "../src/config/mqtt.ts";
import type { SampleBatch } from "../src/model/batch.ts";
import type { ActorContext } from "../src/runtime/actor.ts";
import type { TagCatalog } from "../src/runtime/frames.ts";
import { MqttLink } from "./mqtt_link.ts";
import { messages } from "./mqtt_payload.ts";

type Config = MqttSinkConfig & { client_id: string; gateway: string };

/** Publishes a batch; resolves when the broker took all of it (QoS ≥ 1: acked). */
function publishBatch(
  client: MqttClient,
  closed: Promise<never>,
  batch: SampleBatch,
  tags: TagCatalog,
  cfg: Config,
): Promise<unknown> {
  const opts = { qos: cfg.qos, retain: cfg.retain };
  const pending = messages(batch, tags, cfg).map((m) =>
    client.publishAsync(m.topic, m.payload, opts)
  );
  return Promise.race([Promise.all(pending), closed]);
}

/**
 * The MQTT sink: each sample as JSON `{value, ts, quality}` on its UNS topic, or one JSON per
 * group poll (`format: "group"`). A batch is acked to
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
