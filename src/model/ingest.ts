import { z } from "zod";
import { id, ms, num } from "./fields.ts";

const level = z.strictObject({ topic_level: num(z.number().int().min(0).max(64)) })
  .describe("taken from this level of the topic (0 = first; a leading / makes level 0 empty)");

/** Field paths a message source reads by default (a kind may default to its own payload shape). */
export interface MappingDefaults {
  device_path?: string;
  values_path?: string;
  timestamp_path?: string;
}

/** How a message source turns a JSON message into a device's values at a time. */
export const messageMapping = (defaults: MappingDefaults = {}) =>
  z.strictObject({
    device: z.union([id, level]).optional().describe(
      "the device name: fixed, or from a topic level; default the source id",
    ),
    device_path: (defaults.device_path === undefined
      ? z.string().optional()
      : z.string().default(defaults.device_path)).describe("…or from this payload field"),
    tag: level.optional().describe(
      "single-value payloads: the tag name from a topic level, the value at value_path",
    ),
    value_path: z.string().default("value"),
    values_path: z.string().default(defaults.values_path ?? "").describe(
      'multi-value payloads: the object of tag → value ("" = the payload itself)',
    ),
    timestamp_path: (defaults.timestamp_path === undefined
      ? z.string().optional()
      : z.string().default(defaults.timestamp_path)).describe(
        "field with the sample time; default: arrival time",
      ),
    timestamp_format: z.enum(["ms", "s", "iso"]).default("ms"),
  }).prefault({});
export type MessageMapping = z.output<ReturnType<typeof messageMapping>>;

/** Tags that should have values regularly, by name patterns. */
export const expectedTags = z.array(z.strictObject({
  device: z.string().min(1).default("*").describe("device name; * stands for any characters"),
  tag: z.string().min(1).describe("tag name; * stands for any characters"),
  interval_ms: ms(1).describe(
    "a value should come this often; with none for health.stale_after_ms (default 3 × this, at least 1 s) the tag is published once as uncertain, stale",
  ),
})).default([]).describe(
  "tags that should have values regularly (first match wins); others never go stale",
);

/** What the message-ingest pipeline reads of a source's config. */
export interface IngestConfig {
  mapping: MessageMapping;
  expected: z.output<typeof expectedTags>;
}
