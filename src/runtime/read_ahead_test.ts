import assert from "node:assert/strict";
import { DiskBuffer } from "./disk_buffer.ts";
import { ReadAhead } from "./read_ahead.ts";

const enc = new TextEncoder(), dec = new TextDecoder();
const names = (c: { taken: { records: { payload: Uint8Array }[] } }) =>
  c.taken.records.map((r) => dec.decode(r.payload));

async function filled(n: number): Promise<DiskBuffer> {
  const b = await DiskBuffer.open({
    dir: await Deno.makeTempDir(),
    maxBytes: 1 << 20,
    segmentBytes: 256,
    whenFull: "block",
    fsync: "never",
  });
  for (let i = 0; i < n; i++) await b.append(enc.encode(`r${i}`));
  return b;
}

Deno.test("chunks read ahead leave the buffer only in order, whatever order they are done in", async () => {
  const buffer = await filled(6);
  const r = new ReadAhead(buffer);
  const [a, b, c] = [await r.next(2), await r.next(2), await r.next(2)];
  assert.deepEqual([a, b, c].map((x) => names(x!)), [["r0", "r1"], ["r2", "r3"], ["r4", "r5"]]);
  assert.equal(r.unread, 0);
  r.done(c!);
  r.done(b!);
  await r.acked();
  assert.equal(buffer.pending, 6, "the first is not done: nothing leaves");
  r.done(a!);
  await r.acked();
  assert.equal(buffer.pending, 0);
  assert.equal(r.out.length, 0);
  await buffer.close();
});

Deno.test("rewind reads every chunk not yet acked again, from the first of them", async () => {
  const buffer = await filled(6);
  const r = new ReadAhead(buffer);
  const a = await r.next(2);
  const b = await r.next(2);
  await r.next(2);
  r.done(a!);
  assert.equal(await r.rewind(), 4, "b and c come back");
  assert.equal(r.unread, 4);
  r.done(b!); // a late word about a chunk from before the rewind changes nothing
  await r.acked();
  assert.equal(buffer.pending, 4);
  assert.deepEqual(names((await r.next(10))!), ["r2", "r3", "r4", "r5"]);
  await buffer.close();
});
