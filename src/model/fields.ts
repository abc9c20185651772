import { z } from "zod";

/** Ids of devices, sinks and simulators: used in topics, table rows and logs. */
export const id = z.string().regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ or -");

/** A number that may also arrive as a digit string (from `${ENV}` substitution). */
export function num<T extends z.ZodNumber>(schema: T) {
  return z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v),
    schema,
  );
}

/** A boolean that may also arrive as "true"/"false" (from `${ENV}` substitution). */
export const bool = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean(),
);

export const port = num(z.number().int().min(1).max(65535));

/** Milliseconds, at least `min`. */
export const ms = (min = 1) => num(z.number().int().min(min));

/** ISA-95 levels above the device; empty levels are left out of the path. */
export const uns = z.strictObject({
  enterprise: z.string().optional(),
  site: z.string().optional(),
  area: z.string().optional(),
  line: z.string().optional(),
  cell: z.string().optional(),
}).describe("ISA-95 levels above the device: enterprise/site/area/line/cell");

/** Jittered exponential backoff settings. */
export const backoff = (initial: number, max: number) =>
  z.strictObject({
    initial_ms: ms(1).default(initial).describe("first delay"),
    max_ms: ms(1).default(max).describe("cap on any delay"),
  }).default({ initial_ms: initial, max_ms: max });

/** The bounded queue in front of a sink. */
export const queue = (whenFull: "block" | "drop_oldest") =>
  z.strictObject({
    max_samples: num(z.number().int().min(1)).default(100_000).describe(
      "samples held while the sink is slow or down",
    ),
    when_full: z.enum(["block", "drop_oldest"]).default(whenFull)
      .describe(
        "block: hold the devices back (they skip and count overrun polls); drop_oldest: drop and count",
      ),
  }).default({ max_samples: 100_000, when_full: whenFull });
