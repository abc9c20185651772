import jsep from "jsep";

/** What a value of an expression is: a number, or a truth value (kept as 1 or 0). */
export type ValueType = "number" | "bool";

/** A compiled expression: evaluates over its inputs' current values, by index. */
export interface Program {
  /** The result's type. */
  readonly type: ValueType;
  /** The input names it reads, in index order (as `inputs` was given). */
  readonly reads: readonly string[];
  evaluate(values: ArrayLike<number>): number;
}

export type Compiled = { ok: true; program: Program } | { ok: false; error: string };

type Node = jsep.Expression;
type Fn = (v: ArrayLike<number>) => number;
interface Typed {
  type: ValueType;
  fn: Fn;
}

/** Functions an expression may call: their argument count and how they compute. */
const FUNCTIONS: Record<string, { args: [number, number]; fn: (...xs: number[]) => number }> = {
  min: { args: [1, 16], fn: Math.min },
  max: { args: [1, 16], fn: Math.max },
  abs: { args: [1, 1], fn: Math.abs },
  sqrt: { args: [1, 1], fn: Math.sqrt },
  floor: { args: [1, 1], fn: Math.floor },
  ceil: { args: [1, 1], fn: Math.ceil },
  round: {
    args: [1, 2],
    fn: (x, digits = 0) => {
      const f = 10 ** Math.trunc(digits);
      return Math.round(x * f) / f;
    },
  },
};

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "%": (a, b) => a % b,
};
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

class ExprError extends Error {}

/**
 * Parses an expression (jsep: no eval, no Function) over named inputs and checks it: every name
 * must be an input, types must fit (arithmetic on numbers, `&&` `||` `!` on truth values, `if(c,
 * a, b)` with a truth value and two alike), calls only to min, max, abs, sqrt, floor, ceil and
 * round. Never throws: a bad expression comes back as an error naming what is wrong and where.
 */
export function compile(text: string, inputs: Record<string, ValueType>): Compiled {
  const names = Object.keys(inputs);
  let ast: Node;
  try {
    if (typeof text !== "string" || text.trim() === "") throw new ExprError("it is empty");
    ast = jsep(text);
  } catch (err) {
    return { ok: false, error: `cannot parse "${text}": ${(err as Error).message}` };
  }
  try {
    const top = build(ast, inputs, names);
    return {
      ok: true,
      program: { type: top.type, reads: names, evaluate: top.fn },
    };
  } catch (err) {
    if (err instanceof ExprError) return { ok: false, error: `in "${text}": ${err.message}` };
    return { ok: false, error: `in "${text}": ${(err as Error).message}` };
  }
}

function build(node: Node, inputs: Record<string, ValueType>, names: string[]): Typed {
  const want = (n: Node, type: ValueType, what: string): Fn => {
    const t = build(n, inputs, names);
    if (t.type !== type) throw new ExprError(`${what} must be a ${type}, not a ${t.type}`);
    return t.fn;
  };
  switch (node.type) {
    case "Literal": {
      const v = (node as jsep.Literal).value;
      if (typeof v === "number") return { type: "number", fn: () => v };
      if (typeof v === "boolean") return { type: "bool", fn: () => (v ? 1 : 0) };
      throw new ExprError(`${JSON.stringify(v)} is not a number or a truth value`);
    }
    case "Identifier": {
      const name = (node as jsep.Identifier).name;
      if (name === "true" || name === "false") {
        const v = name === "true" ? 1 : 0;
        return { type: "bool", fn: () => v };
      }
      const i = names.indexOf(name);
      if (i < 0) {
        throw new ExprError(
          `unknown name "${name}" (inputs: ${names.length ? names.join(", ") : "none"})`,
        );
      }
      return { type: inputs[name], fn: (v) => v[i] };
    }
    case "UnaryExpression": {
      const u = node as jsep.UnaryExpression;
      if (u.operator === "-") {
        const a = want(u.argument, "number", "the operand of -");
        return { type: "number", fn: (v) => -a(v) };
      }
      if (u.operator === "+") {
        return { type: "number", fn: want(u.argument, "number", "+'s operand") };
      }
      if (u.operator === "!") {
        const a = want(u.argument, "bool", "the operand of !");
        return { type: "bool", fn: (v) => (a(v) ? 0 : 1) };
      }
      throw new ExprError(`the operator ${u.operator} is not allowed`);
    }
    case "BinaryExpression": {
      const b = node as jsep.BinaryExpression;
      const op = b.operator;
      if (op in ARITHMETIC) {
        const [l, r, f] = [
          want(b.left, "number", `the left of ${op}`),
          want(b.right, "number", `the right of ${op}`),
          ARITHMETIC[op],
        ];
        return { type: "number", fn: (v) => f(l(v), r(v)) };
      }
      if (op === "&&" || op === "||") {
        const l = want(b.left, "bool", `the left of ${op}`);
        const r = want(b.right, "bool", `the right of ${op}`);
        return op === "&&"
          ? { type: "bool", fn: (v) => (l(v) && r(v) ? 1 : 0) }
          : { type: "bool", fn: (v) => (l(v) || r(v) ? 1 : 0) };
      }
      if (op in COMPARE) {
        const lt = build(b.left, inputs, names), rt = build(b.right, inputs, names);
        const equality = op === "==" || op === "!=";
        if (lt.type !== rt.type || (!equality && lt.type !== "number")) {
          throw new ExprError(`${op} cannot compare a ${lt.type} with a ${rt.type}`);
        }
        const f = COMPARE[op];
        return { type: "bool", fn: (v) => (f(lt.fn(v), rt.fn(v)) ? 1 : 0) };
      }
      throw new ExprError(`the operator ${op} is not allowed`);
    }
    case "ConditionalExpression": {
      const c = node as jsep.ConditionalExpression;
      return conditional(c.test, c.consequent, c.alternate, inputs, names);
    }
    case "CallExpression": {
      const call = node as jsep.CallExpression;
      if (call.callee.type !== "Identifier") {
        throw new ExprError("only named functions may be called");
      }
      const name = (call.callee as jsep.Identifier).name;
      if (name === "if") {
        if (call.arguments.length !== 3) {
          throw new ExprError("if takes 3 arguments: if(condition, then, else)");
        }
        const [c, a, b] = call.arguments;
        return conditional(c, a, b, inputs, names);
      }
      const f = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (!f) {
        throw new ExprError(
          `unknown function "${name}" (functions: if, ${Object.keys(FUNCTIONS).join(", ")})`,
        );
      }
      const n = call.arguments.length;
      if (n < f.args[0] || n > f.args[1]) {
        throw new ExprError(
          `${name} takes ${
            f.args[0] === f.args[1] ? f.args[0] : `${f.args[0]} to ${f.args[1]}`
          } arguments, not ${n}`,
        );
      }
      const args = call.arguments.map((a, i) => want(a, "number", `argument ${i + 1} of ${name}`));
      if (args.length === 1) {
        const [a] = args;
        return { type: "number", fn: (v) => f.fn(a(v)) };
      }
      return { type: "number", fn: (v) => f.fn(...args.map((a) => a(v))) };
    }
    case "MemberExpression":
      throw new ExprError("name a device's tag in inputs and use that name (no a.b or a[b] here)");
    default:
      throw new ExprError(`${node.type} is not allowed in an expression`);
  }
}

function conditional(
  test: Node,
  then: Node,
  otherwise: Node,
  inputs: Record<string, ValueType>,
  names: string[],
): Typed {
  const c = build(test, inputs, names);
  if (c.type !== "bool") throw new ExprError("the condition of if must be a truth value");
  const a = build(then, inputs, names), b = build(otherwise, inputs, names);
  if (a.type !== b.type) {
    throw new ExprError(`if's two branches differ: a ${a.type} and a ${b.type}`);
  }
  return { type: a.type, fn: (v) => (c.fn(v) ? a.fn(v) : b.fn(v)) };
}
