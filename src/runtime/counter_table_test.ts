import assert from "node:assert/strict";
import { KeyList, packCounters, unpackRow } from "./counter_table.ts";
import type { Counters } from "./messages.ts";

const c = (extra: Record<string, number> = {}): Counters => ({
  samples_in: 1,
  samples_out: 2,
  errors: 0,
  dropped: 3,
  ...extra,
});

Deno.test("counters of many actors round trip through one table; a missing counter stays missing", () => {
  const actors = new Map([
    ["a", { counters: c({ polls: 7 }) }],
    ["b", { counters: c({ lag_le_1: 4, queue_bytes: 1.5 }) }],
    ["c", { counters: c() }],
  ]);
  const table = packCounters(actors);
  assert.deepEqual(table.ids, ["a", "b", "c"]);
  assert.equal(table.values.length, 3 * table.keys.length);
  table.ids.forEach((id, i) => assert.deepEqual(unpackRow(table, i), actors.get(id)!.counters));
  assert.equal("polls" in unpackRow(table, 1), false);
});

Deno.test("a reused key list keeps its order and grows with new names", () => {
  const keys = new KeyList();
  const first = packCounters(new Map([["a", { counters: c() }]]), keys);
  const second = packCounters(new Map([["a", { counters: c({ polls: 1 }) }]]), keys);
  assert.deepEqual(second.keys.slice(0, first.keys.length), first.keys);
  assert.equal(second.keys.at(-1), "polls");
  assert.equal(unpackRow(second, 0).polls, 1);
  assert.equal(first.keys.length + 1, second.keys.length, "the first table was not changed after");
});

Deno.test("a worker's next report writes over its last table while its actors and names stay", () => {
  const keys = new KeyList();
  const a = { counters: c({ polls: 1 }) }, b = { counters: c() };
  const first = packCounters(new Map([["a", a], ["b", b]]), keys);
  assert.ok(first.values.buffer instanceof SharedArrayBuffer, "main reads it without a copy");
  a.counters.polls = 2;
  const second = packCounters(new Map([["a", a], ["b", b]]), keys, first);
  assert.equal(second.values.buffer, first.values.buffer);
  assert.equal(unpackRow(first, 0).polls, 2, "the last table shows the new values");

  const third = packCounters(new Map([["b", b], ["a", a]]), keys, second);
  assert.notEqual(third.values.buffer, second.values.buffer, "rows in another order");
  assert.equal(unpackRow(second, 0).polls, 2, "a table with other rows is left as it was");
  assert.equal(unpackRow(third, 1).polls, 2);

  b.counters.queue_bytes = 5;
  const fourth = packCounters(new Map([["b", b], ["a", a]]), keys, third);
  assert.notEqual(fourth.values.buffer, third.values.buffer, "a new counter name");
  assert.equal(unpackRow(fourth, 0).queue_bytes, 5);

  const fifth = packCounters(new Map([["b", b]]), keys, fourth);
  assert.deepEqual(fifth.ids, ["b"], "an actor gone");
  assert.equal(unpackRow(fourth, 1).polls, 2);
});

Deno.test("a table written over holds an actor's counters whole at every moment, and drops a restarted actor's old ones", () => {
  const keys = new KeyList();
  const a = { counters: c({ polls: 5 }) };
  const table = packCounters(new Map([["a", a]]), keys);
  // A reader that looks while the next report is written sees each cell old or new, never
  // missing: the values are written over, not cleared first.
  const seen: number[] = [];
  const values = table.values;
  const watched = new Proxy(values, {
    set(target, index, value) {
      seen.push(target[keys.index("polls")]);
      return Reflect.set(target, index, value);
    },
  });
  a.counters.polls = 6;
  packCounters(new Map([["a", a]]), keys, { ...table, values: watched });
  assert.ok(seen.every((v) => v === 5 || v === 6), `polls while written: ${seen}`);
  a.counters = c(); // restarted: no polls yet
  packCounters(new Map([["a", a]]), keys, table);
  assert.equal("polls" in unpackRow(table, 0), false);
});
