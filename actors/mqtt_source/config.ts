import { z } from "zod";
import {
  deviceHealth,
  diskBuffer,
  id,
  keepalive,
  mqttBroker,
  ms,
  num,
  uns,
} from "../../src/model/fields.ts";

const level = z.strictObject({ topic_level: num(z.number().int().min(0).max(64)) })
  .describe("taken from this level of the topic (0 = first; a leading / makes level 0 empty)");

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
  mapping: z.strictObject({
    device: z.union([id, level]).optional().describe(
      "the device name: fixed, or from a topic level; default the source id",
    ),
    device_path: z.string().optional().describe("…or from this payload field"),
    tag: level.optional().describe(
      "single-value payloads: the tag name from a topic level, the value at value_path",
    ),
    value_path: z.string().default("value"),
    values_path: z.string().default("").describe(
      'multi-value payloads: the object of tag → value ("" = the payload itself)',
    ),
    timestamp_path: z.string().optional().describe(
      "field with the sample time; default: arrival time",
    ),
    timestamp_format: z.enum(["ms", "s", "iso"]).default("ms"),
  }).prefault({}),
  expected: z.array(z.strictObject({
    device: z.string().min(1).default("*").describe("device name; * stands for any characters"),
    tag: z.string().min(1).describe("tag name; * stands for any characters"),
    interval_ms: ms(1).describe(
      "a value should come this often; with none for health.stale_after_ms (default 3 × this, at least 1 s) the tag is published once as uncertain, stale",
    ),
  })).default([]).describe(
    "tags that should have values regularly (first match wins); others never go stale",
  ),
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
