import { z } from "zod";
import { expectedTags, messageMapping } from "../../src/model/ingest.ts";
import { deviceHealth, diskBuffer, ms, natsServer, num, uns } from "../../src/model/fields.ts";

const name = z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ or -");

export const natsSource = z.strictObject({
  kind: z.literal("nats"),
  ...natsServer,
  stream: name.default("TAGFLOW").describe("the JetStream stream to read"),
  durable: name.default("tagflow").describe(
    "the durable consumer; gateways naming the same one share the stream's messages as a group",
  ),
  filter_subject: z.string().min(1).optional().describe(
    "only these subjects (`*` one token, `>` the rest); default the whole stream",
  ),
  deliver: z.enum(["all", "new"]).default("all").describe(
    "where a consumer made anew starts: the stream's first message, or the next one",
  ),
  ack_wait_s: num(z.number().int().min(1)).default(30).describe(
    "a message not acknowledged this long (its gateway died) goes to another member",
  ),
  max_ack_pending: num(z.number().int().min(1)).default(10_000).describe(
    "messages handed out and not yet acknowledged, over the whole group",
  ),
  fetch: num(z.number().int().min(1).max(10_000)).default(500).describe(
    "messages pulled at once; the client holds no more than this",
  ),
  mapping: messageMapping({
    device_path: "node",
    values_path: "values",
    timestamp_path: "timestamp",
  }).describe(
    "the message → values mapping; the default reads what the `nats` sink publishes (topic levels are the subject's tokens)",
  ),
  expected: expectedTags,
  uns: uns.optional(),
  health: deviceHealth.optional(),
  max_payload_bytes: num(z.number().int().min(16)).default(1_048_576).describe(
    "larger messages are dead-lettered",
  ),
  timeout_ms: ms(100).default(10_000).describe("connecting and JetStream requests"),
  buffer: diskBuffer(),
});
export type NatsSourceConfig = z.output<typeof natsSource>;
