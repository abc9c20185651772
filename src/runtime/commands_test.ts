import assert from "node:assert/strict";
import { PendingCommands } from "./commands.ts";

Deno.test("a command is answered by its actor's result, matched by request number", async () => {
  const pending = new PendingCommands();
  const sent: number[] = [];
  const a = pending.send("a", { op: "write" }, 10_000, (r) => sent.push(r));
  const b = pending.send("b", { op: "write" }, 10_000, (r) => sent.push(r));
  assert.equal(sent.length, 2);
  assert.notEqual(sent[0], sent[1]);
  pending.answer(sent[1], { ok: true, value: "b's" });
  pending.answer(sent[0], { ok: true, value: "a's" });
  assert.deepEqual(await a, { ok: true, value: "a's" });
  assert.deepEqual(await b, { ok: true, value: "b's" });
});

Deno.test("a command times out, and one whose actor ended is answered connection_lost", async () => {
  const pending = new PendingCommands();
  const late = await pending.send("a", { op: "write" }, 5, () => {});
  assert.equal(late.ok, false);
  assert.ok(
    !late.ok && late.error.code === "timed_out" && /no answer within 5 ms/.test(late.error.message),
  );
  const waiting = pending.send("a", { op: "write" }, 10_000, () => {});
  const other = pending.send("b", { op: "write" }, 10_000, (r) => pending.answer(r, { ok: true }));
  pending.actorEnded("a", "failed");
  const ended = await waiting;
  assert.ok(
    !ended.ok && ended.error.code === "connection_lost" && ended.error.message === "a failed",
  );
  assert.deepEqual(await other, { ok: true }, "another actor's command is untouched");
});
