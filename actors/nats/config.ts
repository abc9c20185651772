import { z } from "zod";
import {
  batching,
  diskBuffer,
  natsServer,
  num,
  queue,
  sinkHealth,
  writeTimeout,
} from "../../src/model/fields.ts";

/** A subject token: no spaces, dots or wildcards. */
const token = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "letters, digits, _ - and .");

/** The JetStream stream the sink publishes into, made at start when missing. */
export const streamSettings = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ or -").default("TAGFLOW"),
  create: z.boolean().default(true).describe(
    "create the stream when missing; else it must exist and take the sink's subjects",
  ),
  subjects: z.array(z.string().min(1)).optional().describe(
    "subjects of a stream the sink creates; default <subject_prefix>.>",
  ),
  retention: z.enum(["limits", "interest", "workqueue"]).default("limits"),
  replicas: num(z.number().int().min(1).max(5)).default(1).describe(
    "copies in a cluster; 3 survives the loss of one server",
  ),
  max_age_s: num(z.number().int().min(0)).default(0).describe("0: kept until max_bytes"),
  max_bytes: num(z.number().int().min(-1)).default(-1).describe("-1: no limit"),
  duplicate_window_s: num(z.number().int().min(1)).default(120).describe(
    "a message id seen again within this window is not stored twice (a replay after a crash)",
  ),
}).prefault({});

export const natsSink = z.strictObject({
  kind: z.literal("nats"),
  ...natsServer,
  subject_prefix: token.default("uns").describe(
    "subjects are <prefix>.<the device's UNS path, levels as tokens>",
  ),
  stream: streamSettings,
  timeout_ms: writeTimeout(),
  batch: batching,
  buffer: diskBuffer(),
  queue: queue("block"),
  health: sinkHealth.optional(),
});
export type NatsSinkConfig = z.output<typeof natsSink>;
