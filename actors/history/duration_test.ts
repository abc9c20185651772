import assert from "node:assert/strict";
import { parseDuration } from "./duration.ts";

Deno.test("durations: a number and a unit, singular or plural, short or long", () => {
  assert.equal(parseDuration("7 days"), 7 * 86_400_000);
  assert.equal(parseDuration("1 day"), 86_400_000);
  assert.equal(parseDuration("12h"), 12 * 3_600_000);
  assert.equal(parseDuration("30 min"), 1_800_000);
  assert.equal(parseDuration("2 weeks"), 2 * 604_800_000);
  assert.equal(parseDuration("1.5 hours"), 5_400_000);
  for (const bad of ["", "days", "7", "7 fortnights", "-1 day"]) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
});
