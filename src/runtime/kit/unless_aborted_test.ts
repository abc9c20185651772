import assert from "node:assert/strict";
import { unlessAborted } from "./unless_aborted.ts";

const lost = () => new Error("connection closed");

/** How many abort listeners the signal holds (counted through its add/remove calls). */
function counted(signal: AbortSignal): { held: () => number } {
  const live = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, fn: EventListener, o?: AddEventListenerOptions) => {
    live.add(fn);
    add(type, fn, o);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, fn: EventListener) => {
    live.delete(fn);
    remove(type, fn);
  }) as typeof signal.removeEventListener;
  return { held: () => live.size };
}

Deno.test("unlessAborted: settles as the promise does and lets go of the signal", async () => {
  const ac = new AbortController();
  const listeners = counted(ac.signal);
  const values = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => unlessAborted(Promise.resolve(i), ac.signal, lost)),
  );
  assert.equal(values[999], 999);
  await assert.rejects(unlessAborted(Promise.reject(new Error("nack")), ac.signal, lost), /nack/);
  assert.equal(listeners.held(), 0, "every listener removed once its promise settled");
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
