import { z } from "zod";
import {
  batching,
  bool,
  diskBuffer,
  queue,
  sinkHealth,
  writeTimeout,
} from "../../src/model/fields.ts";

export const influxdbSink = z.strictObject({
  kind: z.literal("influxdb"),
  url: z.string().regex(/^https?:\/\//, "expected http:// or https://"),
  ca_file: z.string().min(1).optional().describe(
    "https://: a PEM file of the certificate authority to trust besides the system's (a plant's own CA)",
  ),
  api: z.enum(["v2", "v1"]).default("v2")
    .describe(
      "v2: /api/v2/write with org, bucket, token (InfluxDB 2/3, VictoriaMetrics); v1: /write?db= (InfluxDB 1.x)",
    ),
  org: z.string().default("tagflow"),
  bucket: z.string().default("tagflow"),
  token: z.string().optional().describe('v2: use "${ENV}"; never logged'),
  database: z.string().default("tagflow").describe("v1: database"),
  retention_policy: z.string().optional().describe("v1: retention policy"),
  username: z.string().optional().describe("v1"),
  password: z.string().optional().describe('v1: use "${ENV}"; never logged'),
  precision: z.enum(["ms", "s", "us", "ns"]).default("us").describe(
    "us keeps apart samples of one tag taken in the same millisecond (MQTT messages timed by arrival)",
  ),
  gzip: bool.default(false).describe("compress request bodies"),
  timeout_ms: writeTimeout(),
  measurement: z.string().default("{device}").describe("template: {device}, {tag}"),
  field: z.string().default("{tag}").describe("template of the field name: {device}, {tag}"),
  uns_tags: bool.default(true).describe(
    'tag each point with its UNS path above the device ("uns")',
  ),
  raw_measurement: z.string().optional()
    .describe(
      "also store each sample as JSON in field raw of this measurement (seed 000's raw data)",
    ),
  batch: batching,
  buffer: diskBuffer(),
  queue: queue("block"),
  health: sinkHealth.optional(),
});
export type InfluxdbSinkConfig = z.output<typeof influxdbSink>;
