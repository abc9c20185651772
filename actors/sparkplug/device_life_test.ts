import assert from "node:assert/strict";
import { DeviceLife } from "./device_life.ts";
import { Quality } from "../../src/model/sample.ts";

Deno.test("device life: dead once every metric is bad, back at the first value that is not", () => {
  const life = new DeviceLife();
  assert.equal(life.note("press", 2, Quality.bad, 2), undefined, "one of two bad");
  assert.equal(life.note("press", 2, Quality.bad, 2), undefined, "the same one again");
  assert.equal(life.note("press", 3, Quality.bad, 2), "died");
  assert.equal(life.note("press", 3, Quality.bad, 2), undefined, "dies once");
  assert.deepEqual(life.dead(), ["press"]);
  assert.equal(life.note("oven", 9, Quality.bad, 1), "died", "devices apart");
  assert.equal(life.note("press", 2, Quality.uncertain, 2), "revived");
  assert.equal(life.isDead("press"), false);
  assert.equal(life.note("press", 3, Quality.bad, 2), undefined, "2 is not bad any more");
});
