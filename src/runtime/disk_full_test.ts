// A disk buffer on a file system that fills up before the buffer does (a small tmpfs, mounted by
// the test; it needs root, as the suite has on the CI machine).
import assert from "node:assert/strict";
import { DiskBuffer } from "./disk_buffer.ts";

const run = (cmd: string, ...args: string[]) => {
  const out = new Deno.Command(cmd, { args, stderr: "piped" }).outputSync();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
};

async function withTmpfs(kb: number, f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tmpfs-" });
  run("mount", "-t", "tmpfs", "-o", `size=${kb}k`, "tmpfs", dir);
  try {
    await f(dir);
  } finally {
    run("umount", "-l", dir);
    await Deno.remove(dir);
  }
}

const record = (i: number) => {
  const bytes = new Uint8Array(3000 + (i % 7) * 100).fill(i % 251);
  new DataView(bytes.buffer).setUint32(0, i);
  return bytes;
};
const numbers = (p: { records: { payload: Uint8Array }[] }) =>
  p.records.map((r) => new DataView(r.payload.buffer, r.payload.byteOffset).getUint32(0));

Deno.test("disk full, when_full block: appends wait with a reason, nothing torn, they go on when room returns", async () => {
  await withTmpfs(256, async (dir) => {
    const stalls: (string | undefined)[] = [];
    const open = () =>
      DiskBuffer.open({
        dir,
        maxBytes: 64 << 20, // far more than the disk: the disk fills first
        segmentBytes: 64 << 10,
        whenFull: "block",
        fsync: "never",
        onStall: (r) => stalls.push(r),
      });
    let b = await open();
    let written = 0, stalled = false;
    for (; !stalled; written++) {
      const append = b.append(record(written));
      stalled = await Promise.race([
        append.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(b.stall !== undefined), 200)),
      ]);
      if (stalled) {
        assert.match(b.stall!, /no space left on the disk of /);
        assert.deepEqual(stalls, [b.stall]);
        // Room returns: the oldest half is delivered and acked; the waiting append goes on.
        await b.ack(await b.peek(Math.floor(written / 2)));
        await append;
        assert.equal(b.stall, undefined);
        assert.deepEqual(stalls.at(-1), undefined, "the stall's end is reported");
      }
    }
    assert.ok(written > 40, `${written} records before the disk filled`);
    await b.close();
    // Reopen: every record not acked is there once, in order, none torn or damaged.
    b = await open();
    assert.equal(b.corrupt, 0);
    const rest = numbers(await b.peek(10_000));
    const from = Math.floor((written - 1) / 2);
    assert.deepEqual(rest, Array.from({ length: written - from }, (_, k) => from + k));
    await b.close();
  });
});

Deno.test("disk full, when_full drop_oldest: the oldest segment goes (counted) and appends go on", async () => {
  await withTmpfs(256, async (dir) => {
    const b = await DiskBuffer.open({
      dir,
      maxBytes: 64 << 20,
      segmentBytes: 32 << 10,
      whenFull: "drop_oldest",
      fsync: "never",
    });
    for (let i = 0; i < 400; i++) await b.append(record(i)); // ~1.3 MB into 256 KB
    assert.ok(b.dropped > 0, "records were dropped to make room");
    assert.equal(b.stall, undefined, "writing again after the drop");
    const kept = numbers(await b.peek(10_000));
    assert.equal(kept.length + b.dropped, 400, "every record is either kept or counted as dropped");
    assert.deepEqual(kept, Array.from({ length: kept.length }, (_, k) => 400 - kept.length + k));
    await b.close();
  });
});
