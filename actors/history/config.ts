import { z } from "zod";
import { batching, bool, diskBuffer, num, queue, sinkHealth } from "../../src/model/fields.ts";
import { parseDuration } from "./duration.ts";

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration like "7 days" or "12 h", got "${text}"`,
    });
    return z.NEVER;
  }
  return ms;
});

export const historySink = z.strictObject({
  kind: z.literal("history"),
  file: z.string().default("data/history.sqlite").describe(
    "the SQLite file the history is kept in (with its -wal and -shm files beside it)",
  ),
  retain: duration.prefault("7 days").describe(
    'how long samples are kept, e.g. "7 days", "12 h"; older ones are deleted every minute',
  ),
  max_bytes: num(z.number().int().min(1 << 20)).default(1 << 30).describe(
    "the most the file may take; past it the oldest samples go first",
  ),
  fsync: bool.default(true).describe(
    "false: faster, but a power loss may lose the last writes (a crash of the process does not)",
  ),
  batch: batching,
  buffer: diskBuffer(),
  queue: queue("block"),
  health: sinkHealth.optional(),
});
export type HistorySinkConfig = z.output<typeof historySink>;
