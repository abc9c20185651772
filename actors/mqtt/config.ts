import { z } from "zod";
import {
  backoff,
  bool,
  keepalive,
  mqttBroker,
  ms,
  num,
  queue,
  sinkHealth,
} from "../../src/model/fields.ts";

export const mqttSink = z.strictObject({
  kind: z.literal("mqtt"),
  ...mqttBroker,
  client_id: z.string().optional().describe("default tagflow-<sink id>"),
  qos: num(z.number().int().min(0).max(2)).default(1).pipe(
    z.union([z.literal(0), z.literal(1), z.literal(2)]),
  ),
  retain: z.union([bool, z.array(z.string().min(1))]).default(false).describe(
    "true: every message retained; a list of topic filters (+, #): the messages of those topic families, so a late subscriber sees each last value at once",
  ),
  status_topic: z.string().min(1).optional().describe(
    'a retained {"state":"online"} on connect and {"state":"offline","reason":…} as the will and at stop, e.g. "plant/{gateway}/$state"',
  ),
  message_expiry_s: num(z.number().int().min(1)).optional().describe(
    "MQTT 5: the broker drops a message not delivered within this many seconds",
  ),
  user_properties: z.record(z.string().min(1), z.string()).optional().describe(
    "MQTT 5: user properties sent with every message, e.g. site and line",
  ),
  topic_prefix: z.string().default("").describe("put before each UNS path, e.g. remote_plant_1/"),
  format: z.enum(["tag", "group"]).default("tag")
    .describe(
      "tag: one message per value on its UNS topic; group: one JSON per group poll, like Neuron",
    ),
  group_topic: z.string().default("{device_path}/{group}")
    .describe(
      "format group: topic template with {gateway}, {device}, {group}, {device_path} (the device's UNS path)",
    ),
  commands: z.strictObject({
    topic: z.string().default("{path}/set").describe(
      'the command topic of each writable tag routed to this sink; {path} is its UNS path (after topic_prefix). Payload {"value": …} or the bare value',
    ),
    result_topic: z.string().default("{path}/set/result").describe(
      "where the answer goes when the command names no MQTT 5 response topic",
    ),
  }).optional().describe(
    "take writes on command topics (MQTT 5; off when left out); they take the gateway's guarded command path: writable tags only, rate limits, audit",
  ),
  connect_timeout_ms: ms(100).default(5000),
  keepalive_s: keepalive(),
  reconnect: backoff(500, 30_000),
  queue: queue("drop_oldest"),
  health: sinkHealth.optional(),
});
export type MqttSinkConfig = z.output<typeof mqttSink>;
