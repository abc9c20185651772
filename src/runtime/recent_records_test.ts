import assert from "node:assert/strict";
import { RecentRecords } from "./recent_records.ts";
import { DiskBuffer } from "./disk_buffer.ts";

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

Deno.test("records are found by their start or by the end of the one before, across segments", () => {
  const r = new RecentRecords(1000);
  r.add(0, 0, 26, 1, bytes(10, 1));
  r.add(0, 26, 52, 2, bytes(10, 2));
  r.add(1, 0, 26, 3, bytes(10, 3)); // a new segment
  const all = r.from({ seq: 0, offset: 0 }, 10)!;
  assert.deepEqual(all.records.map((x) => x.ts), [1, 2, 3]);
  assert.deepEqual(all.next, { seq: 1, offset: 26 });
  assert.equal(all.bytes, 26 + 26 + 26);
  const crossing = r.from({ seq: 0, offset: 52 }, 10)!; // end of segment 0
  assert.deepEqual(crossing.records.map((x) => x.ts), [3]);
  assert.equal(crossing.bytes, 26);
  assert.deepEqual(r.from({ seq: 1, offset: 26 }, 10)!.records, [], "caught up: nothing more");
  assert.equal(r.from({ seq: 0, offset: 13 }, 10), undefined, "not a record boundary");
  assert.equal(r.tsAt({ seq: 0, offset: 26 }), 2);
  r.add(1, 26, 52, 4, bytes(10, 4), { made: "from this" });
  assert.deepEqual(r.from({ seq: 1, offset: 26 }, 1)!.records[0].memo, { made: "from this" });
});

Deno.test("over budget the oldest go, and acked ones are dropped; those are read from disk", () => {
  const r = new RecentRecords(25);
  r.add(0, 0, 26, 1, bytes(10, 1));
  r.add(0, 26, 52, 2, bytes(10, 2));
  r.add(0, 52, 78, 3, bytes(10, 3));
  assert.equal(r.bytes, 20);
  assert.equal(r.from({ seq: 0, offset: 0 }, 1), undefined, "evicted");
  assert.deepEqual(r.from({ seq: 0, offset: 26 }, 1)!.records.map((x) => x.ts), [2]);
  r.dropBefore({ seq: 0, offset: 52 });
  assert.equal(r.bytes, 10);
  assert.equal(r.from({ seq: 0, offset: 26 }, 1), undefined, "acked");
  r.add(0, 78, 1078, 4, bytes(1000, 4)); // larger than the budget: nothing stays consecutive
  assert.equal(r.bytes, 0);
  assert.equal(r.from({ seq: 0, offset: 52 }, 5), undefined);
});

Deno.test("a buffer reads the same records whether it holds them in memory or not", async () => {
  const read = async (memoryBytes: number) => {
    const dir = await Deno.makeTempDir();
    const b = await DiskBuffer.open({
      dir,
      maxBytes: 1 << 20,
      segmentBytes: 300,
      whenFull: "block",
      fsync: "never",
      memoryBytes,
    });
    for (let i = 0; i < 40; i++) await b.append(bytes(20 + (i % 7), i), 1000 + i);
    const seen: [number, number, number][] = [];
    let from;
    for (let k = 0; k < 40; k++) {
      const p = await b.peek(3, from);
      if (p.records.length === 0) break;
      for (const r of p.records) seen.push([r.ts, r.payload.length, r.payload[0]]);
      if (k % 2 === 0) await b.ack(p); // ack some, read ahead of the acks for others
      from = p.next;
    }
    const pending = b.pending, size = b.bytes;
    await b.close();
    await Deno.remove(dir, { recursive: true });
    return { seen, pending, size };
  };
  const disk = await read(0), memory = await read(1 << 20), part = await read(200);
  assert.equal(disk.seen.length, 40);
  assert.deepEqual(memory, disk);
  assert.deepEqual(part, disk);
});
