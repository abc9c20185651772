import { z } from "zod";
import { id, ms, num } from "../../src/model/fields.ts";

export const AGGREGATES = [
  "count",
  "min",
  "max",
  "mean",
  "sum",
  "first",
  "last",
  "stddev",
  "twa",
] as const;
export type Aggregate = (typeof AGGREGATES)[number];

const tagRef = z.string().regex(/^[A-Za-z0-9_-]+\/[^/\s]+$/, 'expected "device/tag" or "device/*"');

export const windowTransform = z.strictObject({
  kind: z.literal("window"),
  from: z.array(id).min(1).describe("the devices whose tags it aggregates"),
  tags: z.array(tagRef).min(1).describe('"device/tag", or "device/*" for every tag of a device'),
  size_ms: ms(100).describe("the window's length; windows start at multiples of hop_ms"),
  hop_ms: ms(100).optional().describe(
    "a new window every hop_ms (hopping); default size_ms (tumbling)",
  ),
  grace_ms: ms(0).default(2000).describe(
    "how long after its end a window still takes samples; later ones are counted as late",
  ),
  aggregates: z.array(z.enum(AGGREGATES)).min(1).default(["mean"]).describe(
    "each a tag <tag>/<aggregate>_<size>, e.g. temperature/mean_10s; twa: the time-weighted mean",
  ),
  min_good: num(z.number().int().min(0)).default(1).describe(
    "good samples a window needs; with fewer its results are bad, with the reason",
  ),
}).superRefine((w, ctx) => {
  for (const [i, ref] of w.tags.entries()) {
    const device = ref.split("/")[0];
    if (!w.from.includes(device)) {
      ctx.addIssue({
        code: "custom",
        path: ["tags", i],
        message: `device "${device}" is not in from`,
      });
    }
  }
  if (w.hop_ms !== undefined && w.hop_ms > w.size_ms) {
    ctx.addIssue({
      code: "custom",
      path: ["hop_ms"],
      message: `longer than size_ms (${w.size_ms})`,
    });
  }
});
export type WindowTransformConfig = z.output<typeof windowTransform>;

/** "10s", "1m", "1h", "1500ms": a window's length as its tags name it. */
export function sizeLabel(msValue: number): string {
  for (const [unit, n] of [["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (msValue % n === 0) return `${msValue / n}${unit}`;
  }
  return `${msValue}ms`;
}
