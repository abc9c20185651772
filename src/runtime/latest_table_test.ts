import assert from "node:assert/strict";
import { SharedTable } from "./latest_table.ts";

Deno.test("a shared table row: written between an odd and an even sequence, read whole, kept when grown", () => {
  const t = SharedTable.ofSize(4);
  assert.equal(t.read(1)?.seen, false, "never written");
  assert.equal(t.write(1, 1000, 2.5, 192, false), 2);
  assert.equal(t.write(1, 2000, NaN, 0, true), 4);
  assert.deepEqual(t.read(1), { ts: 2000, value: NaN, quality: 0, seen: true, textSeq: 4 });
  t.write(0, 7, 8, 64, true);
  assert.deepEqual(t.read(0), { ts: 7, value: 8, quality: 64, seen: true, textSeq: 2 });
  const g = t.grown(9);
  assert.equal(g.size, 16);
  assert.deepEqual(g.read(1), t.read(1));
  assert.deepEqual(g.read(0), t.read(0));
  assert.equal(g.read(5)?.seen, false);
  assert.equal(g.write(1, 3000, 1, 192, false), 6, "the sequence goes on");
  Atomics.add(g.seq, 2, 1); // a writer stopped in the middle of row 2
  assert.equal(g.read(2), undefined, "a row never whole is not read");
  g.seq[3] = 0x7ffffffe;
  assert.equal(g.write(3, 1, 1, 192, true), -0x80000000, "wraps as an int32");
  assert.equal(g.read(3)?.textSeq, -0x80000000);
});
