import { z } from "zod";
import { ms, num } from "../../model/fields.ts";

/** The on-disk store-and-forward buffer under a sink. */
export const diskBuffer = () =>
  z.strictObject({
    dir: z.string().optional().describe(
      "directory of the buffer's segment files; default data/buffer/<sink id>",
    ),
    max_bytes: num(z.number().int().min(1024)).default(1 << 30).describe(
      "bytes on disk before when_full applies",
    ),
    segment_bytes: num(z.number().int().min(1024)).default(8 << 20),
    when_full: z.enum(["block", "drop_oldest"]).default("block")
      .describe(
        "block: stop taking samples (the devices skip and count polls); drop_oldest: drop and count",
      ),
    fsync: z.enum(["always", "interval", "never"]).default("always")
      .describe(
        "always: nothing accepted is lost on power loss; interval/never: faster, may lose the last moments",
      ),
    fsync_interval_ms: ms(1).default(1000),
  }).prefault({});

/** How a database sink batches its writes. */
export const batching = z.strictObject({
  max_samples: num(z.number().int().min(1)).default(10_000).describe("samples per write"),
  max_linger_ms: ms(0).default(200).describe("wait at most this long to fill a write"),
  max_in_flight: num(z.number().int().min(1).max(8)).default(2).describe(
    "writes under way at once, each on its own connection; records leave the buffer in order",
  ),
  retry: z.strictObject({ initial_ms: ms(1).default(200), max_ms: ms(1).default(30_000) }).prefault(
    {},
  ),
}).prefault({});
