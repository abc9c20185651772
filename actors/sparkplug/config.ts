import { z } from "zod";
import {
  backoff,
  batching,
  bool,
  diskBuffer,
  keepalive,
  mqttBroker,
  ms,
  num,
  queue,
  sinkHealth,
} from "../../src/model/fields.ts";

/** A Sparkplug id (group, edge node, host): no topic separators or wildcards. */
const sparkplugId = z.string().min(1).regex(/^[^/+#]+$/, "no /, + or # (it is a topic level)");

export const sparkplugSink = z.strictObject({
  kind: z.literal("sparkplug"),
  ...mqttBroker,
  client_id: z.string().optional().describe("default <gateway>-<sink id>"),
  group_id: sparkplugId.describe("the Sparkplug group of this edge node"),
  edge_node_id: sparkplugId.optional().describe("default the gateway's name"),
  primary_host_id: sparkplugId.optional().describe(
    "publish only while this host application's STATE is online; hold data in the buffer meanwhile and send it after the next BIRTH as historical",
  ),
  qos: num(z.number().int().min(0).max(1)).default(0).pipe(z.union([z.literal(0), z.literal(1)]))
    .describe("of BIRTH and DATA messages: 0 as the specification says; 1 waits for the broker"),
  rebirth_min_interval_ms: ms(0).default(5000).describe(
    "rebirth requests (NCMD Node Control/Rebirth) closer together than this are answered once, at the end of the interval",
  ),
  commands: bool.default(false).describe(
    "take DCMD writes to writable tags (through the gateway's guarded, audited command path)",
  ),
  max_metrics_per_message: num(z.number().int().min(1).max(100_000)).default(1000),
  connect_timeout_ms: ms(100).default(5000),
  keepalive_s: keepalive(),
  reconnect: backoff(500, 30_000),
  batch: batching,
  buffer: diskBuffer(),
  queue: queue("block"),
  health: sinkHealth.optional(),
});
export type SparkplugSinkConfig = z.output<typeof sparkplugSink>;
