import assert from "node:assert/strict";
import fc from "fast-check";
import { compile, type ValueType } from "./expression.ts";
import { runs } from "../../tests/fuzz/runs.ts";

const nums = (...names: string[]) =>
  Object.fromEntries(names.map((n) => [n, "number" as ValueType]));

const run = (text: string, inputs: Record<string, ValueType>, values: number[]) => {
  const c = compile(text, inputs);
  if (!c.ok) throw new Error(c.error);
  return c.program.evaluate(values);
};

Deno.test("expressions: the seeds' formulas, conditions and functions", () => {
  assert.equal(run("(raw/100)*16", nums("raw"), [2000]), 320);
  assert.equal(
    run("voltage * current * 1.732 * pf / 1000", nums("voltage", "current", "pf"), [400, 50, 0.9]),
    400 * 50 * 1.732 * 0.9 / 1000,
  );
  assert.equal(
    run("if(t > 30 && !alarm, max(t, 35), round(t, 1))", { t: "number", alarm: "bool" }, [31, 0]),
    35,
  );
  assert.equal(
    run("if(t > 30 && !alarm, max(t, 35), round(t, 1))", { t: "number", alarm: "bool" }, [
      31.26,
      1,
    ]),
    31.3,
  );
  assert.equal(run("t >= 30 ? 1 : 0", nums("t"), [30]), 1);
  assert.equal(
    run("abs(-x) + floor(2.7) + ceil(0.2) + sqrt(16) + min(3, 1, 2) + x % 4", nums("x"), [-6]),
    6 + 2 + 1 + 4 + 1 + -2,
  );
  assert.equal(run("running == true", { running: "bool" }, [1]), 1);
});

Deno.test("expressions: mistakes are errors naming what and where, never exceptions", () => {
  const error = (text: string, inputs = nums("raw")) => {
    const c = compile(text, inputs);
    assert.equal(c.ok, false, text);
    return (c as { error: string }).error;
  };
  assert.match(error("raw +"), /cannot parse "raw \+": Expected expression/);
  assert.match(error("rwa * 2"), /unknown name "rwa" \(inputs: raw\)/);
  assert.match(error("pow(raw, 2)"), /unknown function "pow"/);
  assert.match(error("round(raw, 1, 2)"), /round takes 1 to 2 arguments, not 3/);
  assert.match(error("raw && true"), /the left of && must be a bool, not a number/);
  assert.match(error("if(raw, 1, 2)"), /the condition of if must be a truth value/);
  assert.match(error("if(raw > 1, 1, raw > 2)"), /if's two branches differ/);
  assert.match(error("raw > true"), /> cannot compare a number with a bool/);
  assert.match(error('"text" + raw'), /"text" is not a number or a truth value/);
  assert.match(error("press.temp"), /name a device's tag in inputs/);
  assert.match(error("constructor(raw)"), /unknown function "constructor"/);
  assert.match(error("  "), /it is empty/);
  assert.match(error("[raw]"), /ArrayExpression is not allowed/);
});

Deno.test("expressions: the parser never throws, whatever the text", () => {
  const pieces = fc.constantFrom(
    "raw",
    "1",
    "2.5",
    "+",
    "-",
    "*",
    "/",
    "%",
    "(",
    ")",
    ",",
    "if",
    "min",
    "&&",
    "||",
    "!",
    "==",
    ">",
    "?",
    ":",
    "true",
    "[",
    "]",
    ".",
    '"',
    "'",
    "\\",
    "x",
    " ",
    "constructor",
    "__proto__",
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.array(pieces, { maxLength: 30 }).map((p) => p.join("")),
      ),
      (text) => {
        const c = compile(text, { raw: "number", x: "bool" });
        if (c.ok) c.program.evaluate([1, 0]);
        return true;
      },
    ),
    runs(3),
  );
});

type Tree = { n: number } | { v: 0 | 1 | 2 } | { op: "+" | "-" | "*" | "/"; l: Tree; r: Tree } | {
  f: "min" | "max" | "abs";
  args: Tree[];
};

const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => ({ n: Math.round(n * 100) / 100 })),
    fc.constantFrom<0 | 1 | 2>(0, 1, 2).map((v) => ({ v })),
    fc.record({
      op: fc.constantFrom("+", "-", "*", "/"),
      l: tie("t"),
      r: tie("t"),
    }) as fc.Arbitrary<Tree>,
    fc.record({
      f: fc.constantFrom("min", "max", "abs"),
      args: fc.array(tie("t"), { minLength: 1, maxLength: 3 }),
    }).map((t) => t.f === "abs" ? { f: t.f, args: [t.args[0]] } : t) as fc.Arbitrary<Tree>,
  ),
})).t;

const text = (t: Tree): string =>
  "n" in t
    ? `(${Object.is(t.n, -0) ? "-0" : t.n})`
    : "v" in t
    ? ["a", "b", "c"][t.v]
    : "op" in t
    ? `(${text(t.l)} ${t.op} ${text(t.r)})`
    : `${t.f}(${t.args.map(text).join(", ")})`;

const value = (t: Tree, v: number[]): number =>
  "n" in t ? t.n : "v" in t ? v[t.v] : "op" in t
    ? {
      "+": (a: number, b: number) => a + b,
      "-": (a: number, b: number) => a - b,
      "*": (a: number, b: number) => a * b,
      "/": (a: number, b: number) => a / b,
    }[t.op](value(t.l, v), value(t.r, v))
    : (Math[t.f] as (...x: number[]) => number)(...t.args.map((a) => value(a, v)));

Deno.test("expressions: random arithmetic evaluates as JavaScript computes it", () => {
  fc.assert(
    fc.property(
      tree,
      fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 3 }),
      (t, v) => {
        const c = compile(text(t), nums("a", "b", "c"));
        assert.ok(c.ok, `${text(t)}: ${!c.ok && c.error}`);
        assert.ok(
          Object.is(c.program.evaluate(v), value(t, v)) || c.program.evaluate(v) === value(t, v),
          text(t),
        );
      },
    ),
    runs(2),
  );
});
