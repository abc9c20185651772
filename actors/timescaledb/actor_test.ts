import assert from "node:assert/strict";
import { isoTime } from "./actor.ts";

Deno.test("sample times as ISO text to the µs; a time no Date holds is a data error", () => {
  assert.equal(isoTime(1_700_000_000_123, "p"), "2023-11-14T22:13:20.123Z");
  assert.equal(isoTime(1_700_000_000_123.456, "p"), "2023-11-14T22:13:20.123456Z");
  assert.equal(isoTime(1_700_000_000_123.0004, "p"), "2023-11-14T22:13:20.123Z");
  assert.equal(isoTime(1_700_000_000_123.9996, "p"), "2023-11-14T22:13:20.123999Z");
  assert.throws(
    () => isoTime(1e16, "a/b/t"),
    (e: Error & { code?: string }) => e.code === "22007" && /a\/b\/t/.test(e.message),
  );
});
