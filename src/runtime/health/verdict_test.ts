import assert from "node:assert/strict";
import { type Judged, Verdict } from "./verdict.ts";

Deno.test("verdict: nothing before the connection reports; degraded when either view is", () => {
  const posted: Judged[] = [];
  const v = new Verdict((state, reason) => posted.push({ state, reason }));
  v.data("degraded", "timed out (3 polls in a row read nothing good)");
  assert.deepEqual(posted, []);
  v.connection("running");
  v.connection("running");
  v.data("running", "1 of 4 tags bad");
  v.connection("degraded", "connection refused");
  v.data("degraded", "again");
  assert.deepEqual(posted, [
    { state: "degraded", reason: "timed out (3 polls in a row read nothing good)" },
    { state: "running", reason: "1 of 4 tags bad" },
    { state: "degraded", reason: "connection refused" },
  ]);
});
