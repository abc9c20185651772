import assert from "node:assert/strict";
import { Quality } from "../../model/sample.ts";
import { DeviceRules } from "./device_rules.ts";
import { TagStates } from "./tag_states.ts";

function poll(rules: DeviceRules, tags: TagStates, qualities: number[], reason = "timed out") {
  qualities.forEach((q, i) => {
    rules.reading(q, q === Quality.bad ? reason : undefined);
    tags.reading(i, q === Quality.bad ? NaN : 1, q, 0);
  });
  rules.polled();
}

Deno.test("device rules: degraded after N polls that read nothing good, running at the first good one", () => {
  const rules = new DeviceRules(3), tags = new TagStates();
  poll(rules, tags, [Quality.bad, Quality.bad]);
  poll(rules, tags, [Quality.bad, Quality.bad]);
  assert.equal(rules.judge(tags).state, "running");
  poll(rules, tags, [Quality.bad, Quality.bad], "exception 4");
  assert.deepEqual(rules.judge(tags), {
    state: "degraded",
    reason: "exception 4 (3 polls in a row read nothing good)",
  });
  poll(rules, tags, [Quality.good, Quality.bad]);
  assert.deepEqual(rules.judge(tags), { state: "running", reason: "1 of 2 tags bad" });
  assert.equal(rules.consecutive, 0);
});

Deno.test("device rules: a poll that could not read at all counts as failed", () => {
  const rules = new DeviceRules(1), tags = new TagStates();
  rules.polled("connection refused");
  assert.deepEqual(rules.judge(tags), {
    state: "degraded",
    reason: "connection refused (1 polls in a row read nothing good)",
  });
});

Deno.test("device rules: a device fed by events is degraded while all its tags are bad", () => {
  const rules = new DeviceRules(3), tags = new TagStates();
  rules.reading(Quality.bad, "BadDeviceFailure");
  tags.reading(0, NaN, Quality.bad, 0);
  rules.reading(Quality.bad, "BadDeviceFailure");
  tags.reading(1, NaN, Quality.bad, 0);
  assert.deepEqual(rules.judge(tags), {
    state: "degraded",
    reason: "all 2 tags bad: BadDeviceFailure",
  });
  rules.reading(Quality.good, undefined);
  tags.reading(1, 4, Quality.good, 1);
  assert.deepEqual(rules.judge(tags), { state: "running", reason: "1 of 2 tags bad" });
});

Deno.test("device rules: the reason keeps its count while the error stays the same", () => {
  const rules = new DeviceRules(2), tags = new TagStates();
  for (let i = 0; i < 5; i++) {
    poll(rules, tags, [Quality.bad], "timed out");
    rules.judge(tags); // judged after every poll, as the runtime does
  }
  assert.equal(rules.judge(tags).reason, "timed out (2 polls in a row read nothing good)");
  poll(rules, tags, [Quality.bad], "exception 4");
  assert.equal(rules.judge(tags).reason, "exception 4 (6 polls in a row read nothing good)");
});
