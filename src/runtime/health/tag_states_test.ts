import assert from "node:assert/strict";
import { Quality } from "../../model/sample.ts";
import { TagStates } from "./tag_states.ts";

Deno.test("tag states: counts known and bad tags as qualities change", () => {
  const t = new TagStates();
  t.reading(0, 1, Quality.good, 0);
  t.reading(5, 2, Quality.bad, 0);
  assert.deepEqual([t.known, t.bad], [2, 1]);
  t.reading(5, 3, Quality.good, 1);
  t.reading(0, NaN, Quality.bad, 1);
  t.reading(0, NaN, Quality.bad, 2);
  assert.deepEqual([t.known, t.bad], [2, 1]);
});

Deno.test("tag states: a watched tag with no news goes stale once, with its last value", () => {
  const t = new TagStates();
  t.expect(3, 300);
  t.reading(3, "on", Quality.good, 1000);
  assert.deepEqual(t.scan(1300), [], "not yet: exactly the limit");
  assert.deepEqual(t.scan(1301), [{ tag: 3, value: "on", since: 1000 }]);
  assert.equal(t.stale, 1);
  assert.deepEqual(t.scan(5000), [], "reported once");
  assert.equal(t.reading(3, "off", Quality.good, 5000), true, "fresh again");
  assert.equal(t.stale, 0);
  assert.equal(t.reading(3, "off", Quality.good, 5001), false);
});

Deno.test("tag states: bad, unread and unwatched tags never go stale", () => {
  const t = new TagStates();
  t.expect(0, 10);
  t.expect(1, 10);
  t.reading(0, NaN, Quality.bad, 0);
  t.reading(2, 7, Quality.good, 0); // not watched
  assert.deepEqual(t.scan(1000), []);
});

Deno.test("tag states: a keep-alive keeps tags fresh and names those it revives", () => {
  const t = new TagStates();
  t.expect(0, 100);
  t.expect(1, 100);
  t.reading(0, 1.5, Quality.good, 0);
  t.reading(1, 2.5, Quality.uncertain, 0);
  assert.deepEqual(t.alive([0, 1], 90), []);
  assert.deepEqual(t.scan(150), []);
  assert.equal(t.scan(191).length, 2);
  assert.deepEqual(t.alive([0, 1, 99], 200), [0, 1]);
  assert.deepEqual(t.last(1), { value: 2.5, quality: Quality.uncertain });
});

Deno.test("tag states keep every column of every tag when they grow", () => {
  const t = new TagStates();
  for (let tag = 0; tag < 20; tag++) t.expect(tag, 100 + tag);
  for (let tag = 0; tag < 20; tag++) t.reading(tag, tag * 1.5, Quality.good, 1000 + tag);
  assert.deepEqual(t.scan(1110).map((s) => s.tag), [0, 1, 2, 3, 4], "stale before growing");
  t.reading(100, 7, Quality.bad, 1200); // grows past the first size
  t.expect(60, 50);
  assert.equal(t.stale, 5);
  assert.equal(t.known, 21);
  assert.equal(t.bad, 1);
  for (let tag = 0; tag < 20; tag++) {
    assert.deepEqual(t.last(tag), { value: tag * 1.5, quality: Quality.good });
  }
  assert.deepEqual(t.last(100), { value: 7, quality: Quality.bad });
  assert.equal(t.reading(2, 3, Quality.good, 1300), true, "a stale tag was still stale");
  assert.deepEqual(
    t.scan(1115).map((s) => [s.tag, s.since]),
    [[5, 1005], [6, 1006], [7, 1007]],
    "seen times and intervals kept: tag k, seen at 1000 + k, may wait 100 + k",
  );
});
