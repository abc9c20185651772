import assert from "node:assert/strict";
import { hostState } from "./host_state.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("host state: Sparkplug 3.0 JSON, the older text form, and anything else refused", () => {
  assert.deepEqual(hostState(bytes('{"online":true,"timestamp":1700000000000}')), {
    online: true,
    timestamp: 1700000000000,
  });
  assert.deepEqual(hostState(bytes('{"online":false}')), { online: false });
  assert.deepEqual(hostState(bytes("OFFLINE")), { online: false });
  assert.equal(hostState(bytes('{"online":"yes"}')), undefined);
  assert.equal(hostState(bytes("\u0000\u0001")), undefined);
});
