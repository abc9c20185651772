import { z } from "zod";
import { id, ms, num } from "../../src/model/fields.ts";

const tagRef = z.string().regex(/^[A-Za-z0-9_-]+\/[^/\s]+$/, 'expected "device/tag" or "device/*"');
const nonNegative = num(z.number().min(0));

export const filterTransform = z.strictObject({
  kind: z.literal("filter"),
  from: z.array(id).min(1).describe("the devices whose tags it filters"),
  tags: z.array(tagRef).min(1).describe('"device/tag", or "device/*" for every tag of a device'),
  suffix: z.string().regex(/^[A-Za-z0-9_-]*$/).default("filtered").describe(
    "the filtered tag is <tag>/<suffix>; \"\" keeps the tag's own path (then route the device's raw samples to other sinks)",
  ),
  range: z.strictObject({ min: num(z.number()), max: num(z.number()) }).optional().describe(
    "a value outside is bad, with the reason",
  ),
  max_rate_per_s: nonNegative.optional().describe(
    "a value that moved faster than this from the one before is uncertain, with the reason",
  ),
  deadband: z.strictObject({
    absolute: nonNegative.optional().describe("a change larger than this is news"),
    percent: nonNegative.optional().describe("…or larger than this share of the last value sent"),
  }).optional().describe("report by exception: without it any change is news"),
  heartbeat_ms: ms(1).optional().describe("send the value anyway after this long without one"),
  swinging_door: z.strictObject({
    deviation: num(z.number().positive()).describe("the error band, in the tag's unit"),
    max_interval_ms: ms(1).default(60_000).describe("keep a point at least this often"),
  }).optional().describe(
    "compression instead of report by exception: the kept points, joined by lines, stay within the deviation of every value",
  ),
}).superRefine((f, ctx) => {
  for (const [i, ref] of f.tags.entries()) {
    const device = ref.split("/")[0];
    if (!f.from.includes(device)) {
      ctx.addIssue({
        code: "custom",
        path: ["tags", i],
        message: `device "${device}" is not in from`,
      });
    }
  }
  if (f.range && f.range.min > f.range.max) {
    ctx.addIssue({ code: "custom", path: ["range"], message: "min is above max" });
  }
  if (f.swinging_door && (f.deadband || f.heartbeat_ms)) {
    ctx.addIssue({
      code: "custom",
      path: ["swinging_door"],
      message: "either a swinging door or a deadband and heartbeat",
    });
  }
});
export type FilterTransformConfig = z.output<typeof filterTransform>;
