// Disk buffer segments with random damage (bytes flipped, files cut short) → the buffer opens,
// reads back records it wrote (in order, byte for byte) up to the damage, counts the damage, and
// takes new records; never a crash.
import assert from "node:assert/strict";
import fc from "fast-check";
import { DiskBuffer } from "../../src/runtime/disk_buffer.ts";
import { runs } from "./runs.ts";

/** A place in a file, as a fraction of its length (evenly spread: fc.double favours tiny ones). */
const place = fc.nat({ max: 999_999 }).map((n) => n / 1_000_000);
const damage = fc.record({
  flips: fc.array(fc.tuple(place, fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
  cut: fc.option(place, { nil: undefined, freq: 3 }),
});

Deno.test("fuzz: a buffer with damaged segments opens and reads back what is intact, in order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 40 }),
      damage,
      async (records, { flips, cut }) => {
        const dir = await Deno.makeTempDir({ prefix: "fuzz-buffer-" });
        try {
          const opts = {
            dir,
            maxBytes: 1 << 20,
            segmentBytes: 2048,
            whenFull: "block" as const,
            fsync: "never" as const,
          };
          const writer = await DiskBuffer.open(opts);
          for (const r of records) await writer.append(r);
          await writer.close();
          for await (const e of Deno.readDir(dir)) {
            if (!e.name.endsWith(".seg")) continue;
            const path = `${dir}/${e.name}`;
            const bytes = await Deno.readFile(path);
            for (const [at, xor] of flips) bytes[Math.floor(at * bytes.length)] ^= xor;
            await Deno.writeFile(
              path,
              cut === undefined ? bytes : bytes.subarray(0, Math.floor(cut * bytes.length)),
            );
          }
          const reader = await DiskBuffer.open(opts);
          const back = (await reader.peek(1000)).records.map((r) => r.payload);
          // What comes back is records as written, in order (damage removes, never alters).
          let i = 0;
          for (const got of back) {
            while (i < records.length && !equal(records[i], got)) i++;
            assert.ok(i < records.length, "a record that was never written came back");
            i++;
          }
          assert.equal(reader.pending, back.length);
          await reader.append(new Uint8Array([1, 2, 3]));
          const after = (await reader.peek(1000)).records;
          assert.deepEqual([...after.at(-1)!.payload], [1, 2, 3], "takes new records after damage");
          await reader.close();
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    ),
    runs(0.5),
  );
});

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
