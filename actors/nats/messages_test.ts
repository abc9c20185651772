import assert from "node:assert/strict";
import { blockOf } from "../../src/runtime/kit.ts";
import { messagesOf, subjectOf } from "./messages.ts";

Deno.test("subjects: the prefix, then the UNS levels as tokens; reserved characters become _", () => {
  assert.equal(subjectOf("uns", "acme/plant 1/line.2/press*"), "uns.acme.plant_1.line_2.press_");
  assert.equal(subjectOf("uns", "meter"), "uns.meter");
});

Deno.test("messages: one per device and time; bad and uncertain values named; ids replay the same", () => {
  const rows = () =>
    blockOf([
      ["a/press1/temp", 1000, 21.5, null, 0, null],
      ["a/press1/mode", 1000, null, "auto", 0, null],
      ["a/press1/speed", 1000, null, null, 2, "timeout"],
      ["a/press1/temp", 2000, 22, null, 1, "stale"],
      ["a/press2/temp", 1000, 19, null, 0, null],
    ]);
  const out = messagesOf("uns", rows());
  assert.deepEqual(out.map((m) => [m.subject, m.samples]), [
    ["uns.a.press1", 3],
    ["uns.a.press1", 1],
    ["uns.a.press2", 1],
  ]);
  assert.deepEqual(JSON.parse(out[0].payload), {
    timestamp: 1000,
    node: "press1",
    path: "a/press1",
    values: { temp: 21.5, mode: "auto" },
    errors: { speed: "timeout" },
  });
  assert.deepEqual(JSON.parse(out[1].payload).uncertain, { temp: "stale" });
  assert.deepEqual(messagesOf("uns", rows()).map((m) => m.id), out.map((m) => m.id));
  assert.equal(new Set(out.map((m) => m.id)).size, 3, "ids differ between messages");
});
