import assert from "node:assert/strict";
import fc from "fast-check";
import type { ModbusArea } from "./address.ts";
import { type PlanLimits, planReads, type WireTag } from "./plan.ts";

const isBits = (area: ModbusArea) => area === "coil" || area === "discrete";
const limitOf = (area: ModbusArea, l: PlanLimits) => isBits(area) ? l.maxBits : l.maxRegisters;

const tagArb = fc.record({
  unit: fc.integer({ min: 1, max: 3 }),
  area: fc.constantFrom<ModbusArea>("coil", "discrete", "input", "holding"),
  address: fc.integer({ min: 0, max: 300 }),
  count: fc.constantFrom(1, 2, 4),
});
const tagsArb = fc.array(tagArb, { maxLength: 200 }).map((tags) =>
  tags.map((t, index): WireTag => ({ ...t, index, count: isBits(t.area) ? 1 : t.count }))
);
const limitsArb: fc.Arbitrary<PlanLimits> = fc.record({
  maxRegisters: fc.integer({ min: 4, max: 125 }),
  maxBits: fc.integer({ min: 1, max: 2000 }),
  maxGap: fc.integer({ min: 0, max: 20 }),
});

Deno.test("seed 001: 40001 and 40002 are read in one request of 2", () => {
  const tags: WireTag[] = [
    { index: 0, unit: 1, area: "holding", address: 0, count: 1 },
    { index: 1, unit: 1, area: "holding", address: 1, count: 1 },
  ];
  const plan = planReads(tags, { maxRegisters: 125, maxBits: 2000, maxGap: 8 });
  assert.deepEqual(plan, [{ unit: 1, area: "holding", start: 0, length: 2, tags }]);
});

Deno.test("gap and size limits are inclusive", () => {
  const at = (...addresses: number[]) =>
    addresses.map((address, index): WireTag => ({
      index,
      unit: 1,
      area: "input",
      address,
      count: 1,
    }));
  const lengths = (tags: WireTag[], maxRegisters: number, maxGap: number) =>
    planReads(tags, { maxRegisters, maxBits: 1, maxGap }).map((r) => r.length);
  assert.deepEqual(lengths(at(0, 10), 125, 9), [11]);
  assert.deepEqual(lengths(at(0, 10), 125, 8), [1, 1]);
  assert.deepEqual(lengths(at(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 4, 0), [4, 4, 2]);
});

Deno.test("property: every tag is read once, inside one request of its unit and area", () => {
  fc.assert(
    fc.property(tagsArb, limitsArb, (tags, limits) => {
      const plan = planReads(tags, limits);
      const served = plan.flatMap((r) => r.tags.map((t) => t.index)).sort((a, b) => a - b);
      assert.deepEqual(served, tags.map((t) => t.index), "each tag in exactly one request");
      for (const r of plan) {
        const max = limitOf(r.area, limits);
        assert.ok(r.length >= 1 && r.length <= max, `length ${r.length} outside 1..${max}`);
        let covered = r.start;
        for (const t of r.tags.toSorted((a, b) => a.address - b.address)) {
          assert.equal(t.unit, r.unit);
          assert.equal(t.area, r.area);
          assert.ok(t.address >= r.start && t.address + t.count <= r.start + r.length);
          assert.ok(t.address - covered <= limits.maxGap, `gap before ${t.address} > maxGap`);
          covered = Math.max(covered, t.address + t.count);
        }
        assert.equal(covered, r.start + r.length, "a request ends with its last tag");
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: requests are merged whenever gap and size limits allow", () => {
  fc.assert(
    fc.property(tagsArb, limitsArb, (tags, limits) => {
      const groups = Map.groupBy(planReads(tags, limits), (r) => `${r.unit}/${r.area}`);
      for (const requests of groups.values()) {
        requests.sort((a, b) => a.start - b.start);
        for (let i = 1; i < requests.length; i++) {
          const prev = requests[i - 1], next = requests[i];
          const prevEnd = prev.start + prev.length;
          const merged = Math.max(prevEnd, next.start + next.length) - prev.start;
          assert.ok(
            next.start - prevEnd > limits.maxGap || merged > limitOf(prev.area, limits),
            `${JSON.stringify(prev)} and ${JSON.stringify(next)} could have been one request`,
          );
        }
      }
    }),
    { numRuns: 300 },
  );
});
