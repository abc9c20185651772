import { z } from "zod";
import { expectedTags, messageMapping } from "../../src/model/ingest.ts";
import {
  deviceHealth,
  diskBuffer,
  keepalive,
  mqttBroker,
  ms,
  num,
  uns,
} from "../../src/model/fields.ts";

export const mqttSource = z.strictObject({
  kind: z.literal("mqtt"),
  ...mqttBroker,
  client_id: z.string().optional().describe(
    "default <gateway>-<source id>; stable, so the broker keeps QoS 1 messages while away",
  ),
  subscriptions: z.array(z.strictObject({
    topic: z.string().min(1).describe(
      'wildcards + and #; "$share/<group>/<filter>" splits a stream across gateways (MQTT 5)',
    ),
    qos: num(z.number().int().min(0).max(1)).default(1),
  })).min(1),
  mapping: messageMapping(),
  expected: expectedTags,
  uns: uns.optional(),
  health: deviceHealth.optional(),
  max_payload_bytes: num(z.number().int().min(16)).default(65_536).describe(
    "larger messages are dead-lettered",
  ),
  max_pending: num(z.number().int().min(1)).default(1000).describe(
    "QoS 0 messages waiting for the buffer; more are dropped and counted",
  ),
  connections: num(z.number().int().min(1).max(16)).default(1).describe(
    "clients taking the stream side by side through one MQTT 5 shared subscription " +
      "($share/<gateway>-<source id>/…); a broker delivers one QoS 1 message at a time per " +
      "client, so a firehose wants several. Needs a broker with shared subscriptions",
  ),
  reconnect_ms: ms(100).default(1000),
  keepalive_s: keepalive(),
  session_expiry_s: num(z.number().int().min(0)).default(86_400)
    .describe(
      "how long the broker keeps the session and its QoS 1 messages while the gateway is away",
    ),
  buffer: diskBuffer(),
});
export type MqttSourceConfig = z.output<typeof mqttSource>;
