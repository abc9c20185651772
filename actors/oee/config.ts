import { z } from "zod";
import { id, ms, num } from "../../src/model/fields.ts";

const tagRef = z.string().regex(/^[A-Za-z0-9_-]+\/[^/\s*]+$/, 'expected "device/tag"');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day HH:MM");

export const oeeTransform = z.strictObject({
  kind: z.literal("oee"),
  from: z.array(id).min(1).describe("the devices whose tags it reads"),
  run_state: z.strictObject({
    tag: tagRef,
    states: z.record(z.string().regex(/^-?\d+$/), z.enum(["running", "stopped", "faulted"]))
      .optional().describe(
        'the machine state per value of the tag, e.g. {"1": "running", "2": "faulted"}; default: a truth value, on = running',
      ),
  }),
  total_count: tagRef.describe("a counter of all parts made (it may reset)"),
  good_count: tagRef.describe("a counter of good parts"),
  energy: tagRef.optional().describe("an energy counter (kWh): adds energy per good part"),
  ideal_cycle_s: num(z.number().positive()).describe("seconds one part takes at the ideal rate"),
  shifts: z.array(z.strictObject({ name: id, start: hhmm, end: hhmm })).min(1).default([
    { name: "day", start: "00:00", end: "00:00" },
  ]).describe("planned production, by local time of day; a shift may run over midnight"),
  utc_offset_minutes: num(z.number().int().min(-840).max(840)).default(0),
  interval_ms: ms(1000).default(10_000).describe("how often the figures are published"),
}).superRefine((t, ctx) => {
  const refs: [(string | number)[], string][] = [
    [["run_state", "tag"], t.run_state.tag],
    [["total_count"], t.total_count],
    [["good_count"], t.good_count],
  ];
  if (t.energy) refs.push([["energy"], t.energy]);
  for (const [path, ref] of refs) {
    const device = ref.split("/")[0];
    if (!t.from.includes(device)) {
      ctx.addIssue({ code: "custom", path, message: `device "${device}" is not in from` });
    }
  }
});
export type OeeTransformConfig = z.output<typeof oeeTransform>;
