import { z } from "zod";
import { id } from "../../src/model/fields.ts";
import { compile, type ValueType } from "./expression.ts";

/** "device/tag": a tag of one of the transform's devices. */
const tagRef = z.string().regex(/^[A-Za-z0-9_-]+\/[^/\s]+$/, 'expected "device/tag"');

const input = z.union([
  tagRef,
  z.strictObject({
    tag: tagRef,
    type: z.enum(["number", "bool"]).default("number").describe(
      "bool: the tag is a truth value (a coil, a run status); used with && || ! and if",
    ),
  }),
]);

/** An input name, as the expressions use it. */
const name = z.string().regex(
  /^[A-Za-z_][A-Za-z0-9_]*$/,
  "letters, digits and _, not first a digit",
);

export const expressionTransform = z.strictObject({
  kind: z.literal("expression"),
  from: z.array(id).min(1).describe("the devices whose tags the inputs name"),
  inputs: z.record(name, input).describe(
    'names for the tags the expressions read: "raw": "compressor1/temperature_raw"',
  ),
  outputs: z.record(
    id,
    z.strictObject({
      expr: z.string().describe(
        "+ - * / %, comparisons, && || !, if(c, a, b), min, max, abs, round(x, digits), sqrt, floor, ceil",
      ),
      device: id.optional().describe(
        "the device the result is a tag of (its UNS place); default the first input's device",
      ),
      unit: z.string().optional(),
    }),
  ).refine((o) => Object.keys(o).length > 0, "at least one output"),
}).superRefine((t, ctx) => {
  const types: Record<string, ValueType> = {};
  for (const [n, i] of Object.entries(t.inputs)) {
    const ref = typeof i === "string" ? i : i.tag;
    types[n] = typeof i === "string" ? "number" : i.type;
    const device = ref.split("/")[0];
    if (!t.from.includes(device)) {
      ctx.addIssue({
        code: "custom",
        path: ["inputs", n],
        message: `device "${device}" is not in from (${t.from.join(", ")})`,
      });
    }
  }
  for (const [out, o] of Object.entries(t.outputs)) {
    const c = compile(o.expr, types);
    if (!c.ok) ctx.addIssue({ code: "custom", path: ["outputs", out, "expr"], message: c.error });
  }
});
export type ExpressionTransformConfig = z.output<typeof expressionTransform>;
