import { z } from "zod";
import { id, ms, num } from "../../src/model/fields.ts";

const tagRef = z.string().regex(/^[A-Za-z0-9_-]+\/[^/\s*]+$/, 'expected "device/tag"');
const severity = num(z.number().int().min(1).max(1000));

const alarm = z.strictObject({
  tag: tagRef.describe("the tag watched"),
  hh: num(z.number()).optional().describe("high-high limit: active above it"),
  h: num(z.number()).optional().describe("high limit"),
  l: num(z.number()).optional().describe("low limit: active below it"),
  ll: num(z.number()).optional().describe("low-low limit"),
  deadband: num(z.number().min(0)).default(0).describe(
    "hysteresis: a level is left only once the value is this far back inside its limit",
  ),
  condition: z.enum(["on", "off"]).optional().describe(
    "instead of limits: active while a truth-value tag is on (or off)",
  ),
  on_delay_ms: ms(0).default(0).describe("a condition must last this long to become active"),
  off_delay_ms: ms(0).default(0).describe("…and be gone this long to clear"),
  severity: z.strictObject({
    hh: severity.default(900),
    h: severity.default(500),
    l: severity.default(500),
    ll: severity.default(900),
    on: severity.default(500),
  }).prefault({}).describe("1–1000 per level"),
  message: z.string().optional().describe("what the operator reads when it is active"),
}).superRefine((a, ctx) => {
  const limits = (["hh", "h", "l", "ll"] as const).filter((k) => a[k] !== undefined);
  if (a.condition && limits.length > 0) {
    ctx.addIssue({ code: "custom", path: ["condition"], message: "either limits or a condition" });
  }
  if (!a.condition && limits.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: [],
      message: "needs a limit (hh, h, l, ll) or a condition",
    });
  }
  const order = [a.ll, a.l, a.h, a.hh].filter((x): x is number => x !== undefined);
  if (order.some((x, i) => i > 0 && x <= order[i - 1])) {
    ctx.addIssue({ code: "custom", path: [], message: "limits must rise: ll < l < h < hh" });
  }
});

export const alarmTransform = z.strictObject({
  kind: z.literal("alarm"),
  from: z.array(id).min(1).describe("the devices whose tags the alarms watch"),
  alarms: z.record(id, alarm).refine((a) => Object.keys(a).length > 0, "at least one alarm"),
}).superRefine((t, ctx) => {
  for (const [name, a] of Object.entries(t.alarms)) {
    const device = a.tag.split("/")[0];
    if (!t.from.includes(device)) {
      ctx.addIssue({
        code: "custom",
        path: ["alarms", name, "tag"],
        message: `device "${device}" is not in from`,
      });
    }
  }
});
export type AlarmTransformConfig = z.output<typeof alarmTransform>;
export type AlarmConfig = AlarmTransformConfig["alarms"][string];
