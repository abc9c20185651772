import assert from "node:assert/strict";
import { DiskBuffer, type DiskBufferOptions } from "./disk_buffer.ts";
import { segmentName } from "./disk_segment.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

async function open(dir: string, extra: Partial<DiskBufferOptions> = {}) {
  return await DiskBuffer.open({
    dir,
    maxBytes: 1 << 20,
    segmentBytes: 256,
    whenFull: "block",
    fsync: "never",
    ...extra,
  });
}

const texts = (p: { records: { payload: Uint8Array }[] }) =>
  p.records.map((r) => dec.decode(r.payload));

Deno.test("append, peek and ack keep order across segments and across a reopen", async () => {
  const dir = await Deno.makeTempDir();
  let b = await open(dir);
  for (let i = 0; i < 30; i++) await b.append(enc.encode(`r${i}`.padEnd(40, ".")), 1000 + i);
  assert.equal(b.pending, 30);
  const first = await b.peek(10);
  assert.deepEqual(
    texts(first).map((t) => t.trim().replace(/\.+$/, "")),
    Array.from({ length: 10 }, (_, i) => `r${i}`),
  );
  assert.equal(first.records[0].ts, 1000);
  await b.ack(first);
  assert.equal(b.pending, 20);
  await b.close();
  b = await open(dir);
  assert.equal(b.pending, 20, "unacked records survive a reopen; acked ones stay gone");
  const rest = await b.peek(100);
  assert.equal(rest.records.length, 20);
  assert.match(texts(rest)[0], /^r10\./);
  await b.ack(rest);
  assert.equal(b.pending, 0);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".seg"));
  assert.ok(files.length <= 1, `acked segments are deleted, left: ${files}`);
  await b.close();
});

Deno.test("peeks chained by `from` read ahead of the acks; acked in order, a reopen resumes", async () => {
  const dir = await Deno.makeTempDir();
  let b = await open(dir);
  for (let i = 0; i < 12; i++) await b.append(enc.encode(`r${i}`.padEnd(40, ".")));
  const p1 = await b.peek(5);
  const p2 = await b.peek(5, p1.next);
  const p3 = await b.peek(5, p2.next);
  const name = (p: typeof p1) => texts(p).map((t) => t.replace(/\.+$/, ""));
  assert.deepEqual(name(p2), ["r5", "r6", "r7", "r8", "r9"]);
  assert.deepEqual(name(p3), ["r10", "r11"]);
  assert.equal((await b.peek(5, p3.next)).records.length, 0, "nothing past the end");
  await b.ack(p1);
  await b.ack(p2);
  assert.equal(b.pending, 2);
  await b.close();
  b = await open(dir);
  assert.deepEqual(name(await b.peek(5)), ["r10", "r11"], "unacked p3 is read again");
  await b.close();
});

Deno.test("a record torn by a crash is cut off at open; the ones before it survive", async () => {
  const dir = await Deno.makeTempDir();
  const b = await open(dir, { segmentBytes: 1 << 20 });
  for (let i = 0; i < 3; i++) await b.append(enc.encode(`ok${i}`));
  await b.close();
  const path = `${dir}/${segmentName(0)}`;
  const whole = await Deno.readFile(path);
  await Deno.writeFile(path, new Uint8Array([...whole, 0, 0, 0, 40, 1, 2, 3]));
  const again = await open(dir, { segmentBytes: 1 << 20 });
  assert.deepEqual(texts(await again.peek(10)), ["ok0", "ok1", "ok2"]);
  assert.equal((await Deno.stat(path)).size, whole.length, "the torn tail was truncated");
  await again.append(enc.encode("ok3"));
  assert.deepEqual(texts(await again.peek(10)), ["ok0", "ok1", "ok2", "ok3"]);
  await again.close();
});

Deno.test("a damaged record ends its segment and is counted", async () => {
  const dir = await Deno.makeTempDir();
  const b = await open(dir, { segmentBytes: 100 });
  for (let i = 0; i < 6; i++) await b.append(enc.encode(`v${i}`.padEnd(20, "-")));
  await b.close();
  const path = `${dir}/${segmentName(0)}`;
  const bytes = await Deno.readFile(path);
  bytes[bytes.length - 3] ^= 0xff; // flip a payload byte of the segment's last record
  await Deno.writeFile(path, bytes);
  const again = await open(dir, { segmentBytes: 100 });
  assert.equal(again.corrupt, 1);
  const got = texts(await again.peek(100)).map((t) => t.replace(/-+$/, ""));
  assert.ok(!got.includes("v1") && got.includes("v0") && got.includes("v5"), `read ${got}`);
  await again.close();
});

Deno.test("full: drop_oldest drops and counts; block waits for an ack", async () => {
  const dir = await Deno.makeTempDir();
  const drop = await open(dir, { maxBytes: 300, segmentBytes: 100, whenFull: "drop_oldest" });
  for (let i = 0; i < 20; i++) await drop.append(enc.encode(`d${i}`.padEnd(30)));
  assert.ok(drop.bytes <= 300, `bytes ${drop.bytes}`);
  assert.equal(
    drop.dropped + drop.pending,
    20,
    "every record is either kept or counted as dropped",
  );
  assert.equal(texts(await drop.peek(100)).at(-1)!.trim(), "d19", "the newest are kept");
  await drop.close();

  const dir2 = await Deno.makeTempDir();
  const block = await open(dir2, { maxBytes: 120, segmentBytes: 1000, whenFull: "block" });
  await block.append(enc.encode("a".repeat(40)));
  await block.append(enc.encode("b".repeat(40)));
  let done = false;
  const third = block.append(enc.encode("c".repeat(40))).then(() => done = true);
  // With room in the segment, an append writes before its first await unless it waits for room
  // in the buffer: what a peek finds right after it shows whether the third record went in.
  const meanwhile = await block.peek(10);
  assert.deepEqual(texts(meanwhile).map((t) => t[0]), ["a", "b"], "nothing written while full");
  assert.equal(block.pending, 2, "records held while full");
  assert.equal(done, false, "waits while full");
  await block.ack(await block.peek(1));
  await third;
  assert.deepEqual(texts(await block.peek(10)).map((t) => t[0]), ["b", "c"]);
  await block.close();
});

Deno.test("kill -9 of a writer loses nothing whose append had resolved", async () => {
  const dir = await Deno.makeTempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${dir}`,
      `--allow-write=${dir}`,
      new URL("../../tests/fixtures/buffer_writer.ts", import.meta.url).pathname,
      dir,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let confirmed = -1, text = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  while (confirmed < 300) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    const lines = text.split("\n");
    text = lines.pop()!;
    if (lines.length) confirmed = Number(lines.at(-1));
  }
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  const b = await open(dir, { segmentBytes: 4096 });
  const all = await b.peek(Infinity);
  assert.ok(
    all.records.length >= confirmed + 1,
    `kept ${all.records.length}, confirmed ${confirmed + 1}`,
  );
  texts(all).forEach((t, i) =>
    assert.ok(t.startsWith(`record ${i} `), `record ${i}: ${t.slice(0, 20)}`)
  );
  await b.close();
});

Deno.test("a large payload (written after its header) reads back whole; cut off, it is dropped", async () => {
  const dir = await Deno.makeTempDir();
  let b = await open(dir, { segmentBytes: 1 << 20 });
  const big = new Uint8Array(40_000).map((_, i) => i % 251);
  await b.append(enc.encode("small"), 1);
  await b.append(big, 2);
  await b.close();
  b = await open(dir, { segmentBytes: 1 << 20 });
  const p = await b.peek(10);
  assert.deepEqual(p.records.map((r) => r.payload.length), [5, 40_000]);
  assert.deepEqual(p.records[1].payload, big);
  await b.close();
  // A crash between the header's write and the payload's: the record is torn, the rest stays.
  const seg = `${dir}/${segmentName(0)}`;
  await Deno.truncate(seg, (await Deno.stat(seg)).size - 30_000);
  b = await open(dir, { segmentBytes: 1 << 20 });
  assert.equal(b.pending, 1);
  assert.deepEqual(texts(await b.peek(10)), ["small"]);
  await b.close();
});
