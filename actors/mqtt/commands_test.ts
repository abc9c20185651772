import assert from "node:assert/strict";
import { commandValue } from "./commands.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test('command payloads: {"value": …}, a bare JSON value, or else the text', () => {
  assert.deepEqual(commandValue(enc('{"value": true}')), { value: true });
  assert.deepEqual(commandValue(enc('{"value": {"a": 1}}')), { value: { a: 1 } });
  assert.deepEqual(commandValue(enc("12.5")), { value: 12.5 });
  assert.deepEqual(commandValue(enc("false")), { value: false });
  assert.deepEqual(commandValue(enc('"on"')), { value: "on" });
  assert.deepEqual(commandValue(enc(" maybe ")), { value: "maybe" });
  assert.deepEqual(commandValue(enc("null")), { value: null });
  assert.ok("error" in commandValue(enc('{"v": 1}')), "an object without value");
  assert.ok("error" in commandValue(enc("   ")), "an empty payload");
});
