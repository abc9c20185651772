import assert from "node:assert/strict";
import { reportEveryMs } from "./worker_host.ts";

Deno.test("worker report period: four a second for up to 100 actors, then one a second", () => {
  assert.deepEqual([0, 1, 100, 101, 2500].map(reportEveryMs), [250, 250, 250, 1000, 1000]);
});
