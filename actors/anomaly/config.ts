import { z } from "zod";
import { id, num } from "../../src/model/fields.ts";

const tagRef = z.string().regex(/^[A-Za-z0-9_-]+\/[^/\s]+$/, 'expected "device/tag" or "device/*"');

export const anomalyTransform = z.strictObject({
  kind: z.literal("anomaly"),
  from: z.array(id).min(1).describe("the devices whose tags it watches"),
  tags: z.array(tagRef).min(1).describe('"device/tag", or "device/*" for every tag of a device'),
  method: z.enum(["ewma", "mad"]).default("ewma").describe(
    "ewma: distance from an exponentially weighted mean in standard deviations; mad: from a rolling median in robust deviations (outliers in the window do not mask the next)",
  ),
  alpha: num(z.number().gt(0).max(1)).default(0.05).describe("ewma: weight of each new value"),
  window: num(z.number().int().min(3).max(10_000)).default(120).describe(
    "mad: values in the window",
  ),
  warmup: num(z.number().int().min(0)).default(30).describe("values learnt before any score"),
  threshold: num(z.number().positive()).default(4).describe(
    "a score above it sets the tag's anomaly flag",
  ),
}).superRefine((a, ctx) => {
  for (const [i, ref] of a.tags.entries()) {
    const device = ref.split("/")[0];
    if (!a.from.includes(device)) {
      ctx.addIssue({
        code: "custom",
        path: ["tags", i],
        message: `device "${device}" is not in from`,
      });
    }
  }
});
export type AnomalyTransformConfig = z.output<typeof anomalyTransform>;
