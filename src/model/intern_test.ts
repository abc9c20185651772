import assert from "node:assert/strict";
import { Interner } from "./intern.ts";

Deno.test("intern: equal strings are held once", () => {
  const i = new Interner();
  assert.equal(i.of(["uint", "16"].join("")), "uint16");
  assert.equal(i.of("uint16"), "uint16");
  assert.equal(i.maybe(undefined), undefined);
  assert.equal(i.maybe("x"), "x");
  assert.equal(i.size, 2);
});

Deno.test("intern: walk keeps a parsed document as it was and holds each short string once", () => {
  const text = JSON.stringify({
    devices: Object.fromEntries(
      Array.from({ length: 3 }, (_, d) => [`d${d}`, {
        kind: "modbus",
        port: 502 + d,
        tags: [{ name: "r0", type: "uint16", writable: false }, { name: "r1", type: "uint16" }],
        nested: [[{ unit: null }]],
      }]),
    ),
    when: "x".repeat(100),
  });
  const interner = new Interner();
  const before = JSON.parse(text), after = interner.walk(JSON.parse(text));
  assert.deepEqual(after, before);
  // modbus, r0, uint16, r1 (the 100-character string is longer than the limit)
  assert.equal(interner.size, 4);
  // A Map or a class instance is not a document: left as it is.
  const m = new Map([["k", "v"]]);
  assert.equal(new Interner().walk({ m }).m, m);
});
