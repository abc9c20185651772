import assert from "node:assert/strict";
import { abortListeners } from "../../../tests/helpers/abort_listeners.ts";
import { unlessAborted } from "./unless_aborted.ts";

const lost = () => new Error("connection closed");

Deno.test("unlessAborted: settles as the promise does and lets go of the signal", async () => {
  const ac = new AbortController();
  const held = abortListeners(ac.signal);
  const values = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => unlessAborted(Promise.resolve(i), ac.signal, lost)),
  );
  assert.equal(values[999], 999);
  await assert.rejects(unlessAborted(Promise.reject(new Error("nack")), ac.signal, lost), /nack/);
  assert.equal(held(), 0, "every listener removed once its promise settled");
});

Deno.test("unlessAborted: rejects with the given error when the signal aborts first", async () => {
  const ac = new AbortController();
  let fail!: (e: Error) => void;
  const pending = new Promise<number>((_, reject) => fail = reject);
  const raced = unlessAborted(pending, ac.signal, lost);
  ac.abort();
  await assert.rejects(raced, /connection closed/);
  fail(new Error("late")); // a later failure is not an unhandled rejection
  await assert.rejects(unlessAborted(Promise.resolve(1), ac.signal, lost), /connection closed/);
});
