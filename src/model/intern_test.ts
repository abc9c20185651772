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

Deno.test("intern: equal tag lists are held once, frozen; different ones stay apart", () => {
  const interner = new Interner();
  const tags = () => [{ name: "r0", type: "uint16", range: { min: 0 } }, { name: "r1" }];
  const a = { tags: tags() }, b = { tags: tags() };
  const c = { tags: [{ name: "r0", type: "uint16", range: { min: 1 } }, { name: "r1" }] };
  for (const d of [a, b, c]) interner.shareTags(d);
  assert.equal(b.tags, a.tags, "the whole list shared");
  assert.notEqual(c.tags, a.tags);
  assert.equal(c.tags[1], a.tags[1], "an equal tag of another list shared");
  assert.notEqual(c.tags[0], a.tags[0]);
  assert.deepEqual(a.tags, tags());
  assert.ok(Object.isFrozen(a.tags) && Object.isFrozen(a.tags[0].range), "frozen all the way");
  assert.throws(() => (a.tags[0] as { name: string }).name = "x", TypeError);
  interner.shareTags({ tags: "not a list" });
  interner.shareTags(null);
});
