import { z } from "zod";
import {
  batching,
  diskBuffer,
  id,
  queue,
  sinkHealth,
  writeTimeout,
} from "../../src/model/fields.ts";

const sqlName = z.string().regex(/^[a-z_][a-z0-9_]*$/, "lower-case letters, digits and _ only");

/** One row per group poll, one column per tag: e.g. seed 001's conditions(time, temperature, humidity). */
const wideTable = z.strictObject({
  table: sqlName,
  device: id.optional().describe("only this device's samples"),
  group: id.optional().describe("only this group's samples"),
  columns: z.record(sqlName, z.string()).describe("column → tag name"),
});

export const timescaledbSink = z.strictObject({
  kind: z.literal("timescaledb"),
  url: z.string().regex(
    /^postgres(ql)?:\/\//,
    "expected postgres://user:password@host:port/database",
  )
    .describe('use "${ENV}" for the password; never logged'),
  schema: sqlName.default("public"),
  table: sqlName.default("tagflow_samples").describe(
    "the narrow table: time, path, value, text_value, quality",
  ),
  wide: z.array(wideTable).default([]).describe("wide tables filled besides the narrow one"),
  narrow: z.boolean().default(true).describe("write the narrow table"),
  hypertable: z.strictObject({
    chunk_interval: z.string().default("1 day"),
    compress_after: z.string().optional().describe(
      'e.g. "7 days"; needs the timescaledb extension',
    ),
    retain: z.string().optional().describe('drop chunks older than this, e.g. "90 days"'),
  }).prefault({}).describe("used where the timescaledb extension exists; plain tables otherwise"),
  timeout_ms: writeTimeout(),
  batch: batching,
  buffer: diskBuffer(),
  queue: queue("block"),
  health: sinkHealth.optional(),
});
export type TimescaledbSinkConfig = z.output<typeof timescaledbSink>;
