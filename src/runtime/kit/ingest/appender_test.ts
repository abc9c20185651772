import assert from "node:assert/strict";
import { DiskBuffer } from "../../disk_buffer.ts";
import { MappedCache } from "./cache.ts";
import { type HeldStream, TurnAppender } from "./appender.ts";

const enc = new TextEncoder();
const open = async () =>
  await DiskBuffer.open({
    dir: await Deno.makeTempDir(),
    maxBytes: 1 << 20,
    segmentBytes: 1 << 20,
    whenFull: "block",
    fsync: "never",
  });

/** A socket stand-in that records what happens to it, and what the buffer held at the time. */
function stream(buffer: DiskBuffer) {
  const log: string[] = [];
  const s: HeldStream = {
    cork: () => log.push("cork"),
    uncork: () => log.push(`uncork with ${buffer.pending} record(s) in the buffer`),
    destroy: (err) => log.push(`destroy: ${err?.message}`),
  };
  return { s, log };
}

const message = (n: number) => ({
  message: { topic: `t/${n}`, payload: enc.encode(`{"v":${n}}`), at: n },
  values: { device: "d", ts: n, tags: ["v"], values: [n] },
});

Deno.test("a turn's messages make one record; the sockets are let go only once it is written", async () => {
  const buffer = await open();
  let appended = 0;
  const appender = new TurnAppender(buffer, new MappedCache(), () => appended++, () => {});
  const a = stream(buffer), b = stream(buffer);
  appender.hold(a.s);
  appender.add(message(1).message, message(1).values);
  appender.hold(b.s);
  appender.hold(a.s); // once per turn
  appender.add(message(2).message, message(2).values);
  assert.deepEqual(a.log, ["cork"], "held, nothing written yet");
  await new Promise((r) => setTimeout(r, 10));
  await appender.settled();
  assert.deepEqual(a.log, ["cork", "uncork with 1 record(s) in the buffer"]);
  assert.deepEqual(b.log, ["cork", "uncork with 1 record(s) in the buffer"]);
  assert.equal(appended, 1);
  const { records } = await buffer.peek(10);
  assert.equal(records.length, 1, "both messages in one record");
  await buffer.close();
});

Deno.test("a record that cannot be written closes the held sockets: no PUBACK leaves", async () => {
  const real = await open();
  // A buffer whose disk is full: its appends fail.
  const full = { append: () => Promise.reject(new Error("No space left on device")) };
  const failures: string[] = [];
  const appender = new TurnAppender(
    full as unknown as DiskBuffer,
    new MappedCache(),
    () => {},
    (e) => failures.push(e.message),
  );
  const a = stream(real);
  appender.hold(a.s);
  appender.add(message(1).message, message(1).values);
  await new Promise((r) => setTimeout(r, 10));
  await appender.settled();
  assert.deepEqual(a.log, ["cork", "destroy: No space left on device"], "never uncorked");
  assert.deepEqual(failures, ["No space left on device"]);
  await real.close();
});
