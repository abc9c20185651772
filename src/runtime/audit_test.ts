import assert from "node:assert/strict";
import { type AuditEntry, AuditLog } from "./audit.ts";

const entry = (n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  ts: new Date(1_700_000_000_000 + n * 1000).toISOString(),
  channel: "rest",
  caller: "operator",
  action: "write",
  device: "press1",
  tag: "setpoint",
  value: n,
  outcome: "done",
  duration_ms: 3,
  ...extra,
});

Deno.test("the audit log appends JSON lines and reads them back after a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/logs/audit.jsonl`;
    const log = await AuditLog.open(file);
    log.append(entry(1));
    log.append(entry(2, { outcome: "refused", code: "forbidden", reason: "not writable" }));
    const lines = (await Deno.readTextFile(file)).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.value, l.outcome]), [[1, "done"], [2, "refused"]]);
    await Deno.writeTextFile(file, '{"ts": "torn', { append: true }); // a crash mid-write
    const again = await AuditLog.open(file);
    assert.deepEqual(again.recent().map((e) => e.value), [1, 2]);
    again.append(entry(3));
    assert.deepEqual(again.recent().map((e) => e.value), [1, 2, 3]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("recent(): since a time, the latest `limit`, oldest first; memory keeps `keep`", async () => {
  const log = await AuditLog.open(undefined, 4);
  for (let n = 0; n < 10; n++) log.append(entry(n));
  const all = log.recent(0, 100);
  assert.ok(all.length >= 4 && all.length <= 5, `kept ${all.length}`);
  assert.equal(all.at(-1)!.value, 9);
  assert.deepEqual(log.recent(Date.parse(entry(8).ts)).map((e) => e.value), [8, 9]);
  assert.deepEqual(log.recent(0, 2).map((e) => e.value), [8, 9]);
});
