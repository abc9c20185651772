import assert from "node:assert/strict";
import { untilWoken } from "./wake.ts";

Deno.test("a wait ends when woken, rejects when woken with an error or when its signal aborts", async () => {
  const waiters: ((err?: Error) => void)[] = [];
  const woken = untilWoken((w) => waiters.push(w));
  waiters.shift()!();
  await woken;
  const failed = untilWoken((w) => waiters.push(w));
  waiters.shift()!(new Error("closed"));
  await assert.rejects(failed, /closed/);
  const stop = new AbortController();
  const aborted = untilWoken((w) => waiters.push(w), stop.signal);
  stop.abort(new Error("stopping"));
  await assert.rejects(aborted, /stopping/);
  assert.throws(() => untilWoken(() => {}, stop.signal), /stopping/, "already aborted");
});
