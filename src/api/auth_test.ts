import assert from "node:assert/strict";
import { tokenChecker } from "./auth.ts";

Deno.test("bearer tokens: the caller is the token's name; a wrong or missing one is 401", () => {
  const check = tokenChecker({ operator: "s3cret-1", scada: "other-2", unset: "" });
  assert.deepEqual(check("Bearer s3cret-1"), { ok: true, caller: "operator" });
  assert.deepEqual(check("bearer other-2"), { ok: true, caller: "scada" });
  for (const header of [undefined, "", "Bearer", "Basic s3cret-1", "Bearer s3cret-", "Bearer  "]) {
    const auth = check(header);
    assert.ok(!auth.ok && auth.status === 401, `${header}: ${JSON.stringify(auth)}`);
  }
});

Deno.test("no token configured (or only empty ones): commands are off, 403 saying how", () => {
  const auth = tokenChecker({ operator: "" })("Bearer anything");
  assert.ok(!auth.ok && auth.status === 403 && auth.code === "commands_disabled");
  assert.match(auth.message, /api\.tokens/);
});
