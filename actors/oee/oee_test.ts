import assert from "node:assert/strict";
import { Oee } from "./oee.ts";

const at = (hhmm: string, day = 0) =>
  Date.UTC(2026, 11, 1 + day, ...hhmm.split(":").map(Number) as [number, number]);
const SHIFTS = [
  { name: "early", start: "06:00", end: "14:00" },
  { name: "late", start: "14:00", end: "22:00" },
  { name: "night", start: "22:00", end: "06:00" },
];
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

Deno.test("OEE: a hand-worked early shift with a stop and a counter reset", () => {
  const oee = new Oee({ idealCycleS: 10, shifts: SHIFTS });
  oee.state(at("06:00"), "running");
  oee.total(at("06:00"), 5000); // the counters' readings at the shift's start
  oee.good(at("06:00"), 4900);
  oee.total(at("10:00"), 6500); // 1,500 parts by 10:00
  oee.good(at("10:00"), 6340); // 1,440 good
  oee.state(at("10:00"), "stopped"); // 30 minutes' stop
  oee.total(at("10:20"), 0); // the PLC restarted: its counters start again from 0
  oee.good(at("10:20"), 0);
  oee.state(at("10:30"), "running");
  oee.total(at("13:59"), 1000); // 1,000 more: 2,500 in all
  oee.good(at("13:59"), 960); // 960 more good: 2,400 in all
  const f = oee.shift(at("14:00") - 1)!;
  assert.equal(f.shift, "early");
  near(f.plannedS, 8 * 3600 - 0.001);
  near(f.runS, 7.5 * 3600 - 0.001);
  assert.deepEqual([f.total, f.good], [2500, 2400]);
  // By hand: A = 27,000 / 28,800 = 0.9375; P = 10 × 2,500 / 27,000 = 0.9259…; Q = 0.96.
  near(Math.round(f.availability * 1e6) / 1e6, 0.9375);
  near(Math.round(f.performance * 1e4) / 1e4, 0.9259);
  near(f.quality, 0.96);
  near(Math.round(f.oee * 1e4) / 1e4, Math.round(0.9375 * (25000 / 27000) * 0.96 * 1e4) / 1e4);
});

Deno.test("OEE: a stop spanning a shift change counts in each shift for its part", () => {
  const oee = new Oee({ idealCycleS: 60, shifts: SHIFTS });
  oee.state(at("06:00"), "running");
  oee.state(at("13:30"), "faulted"); // 13:30–14:30: half an hour in each shift
  oee.state(at("14:30"), "running");
  const early = oee.over(at("06:00"), at("14:00"));
  const late = oee.over(at("14:00"), at("22:00"));
  near(early.runS, 7.5 * 3600);
  near(late.runS, 7.5 * 3600);
  near(early.availability, 7.5 / 8);
  near(late.availability, 7.5 / 8);
});

Deno.test("OEE: shifts over midnight, a plant's UTC offset, the last hour, energy per good part", () => {
  const oee = new Oee({ idealCycleS: 1, shifts: SHIFTS, utcOffsetMinutes: 60 });
  // 05:30 UTC is 06:30 local: the early shift, which started at 05:00 UTC.
  assert.deepEqual(oee.shiftAt(at("05:30")), { name: "early", from: at("05:00"), to: at("13:00") });
  // 23:30 UTC is 00:30 local: the night shift that started 21:00 UTC.
  assert.deepEqual(oee.shiftAt(at("23:30")), {
    name: "night",
    from: at("21:00"),
    to: at("05:00", 1),
  });
  oee.state(at("10:00"), "running");
  oee.total(at("10:00"), 0);
  oee.good(at("10:00"), 0);
  oee.energy(at("10:00"), 1000);
  oee.total(at("10:59"), 3000);
  oee.good(at("10:59"), 2700);
  oee.energy(at("10:59"), 1540);
  const hour = oee.lastHour(at("11:00"));
  near(hour.availability, 1);
  near(hour.performance, 3000 / 3600);
  near(hour.quality, 0.9);
  near(hour.energyPerGood!, 540 / 2700);
  assert.throws(
    () => new Oee({ idealCycleS: 1, shifts: [{ name: "x", start: "6:00", end: "14:00" }] }),
    /shift 1 \(x\) start: "6:00" is not a time of day HH:MM/,
  );
});

Deno.test("OEE: a gateway started mid-shift counts from the first run state it saw", () => {
  const oee = new Oee({ idealCycleS: 10, shifts: SHIFTS });
  oee.state(at("10:00"), "running");
  oee.state(at("11:00"), "stopped");
  const f = oee.shift(at("12:00"))!;
  near(f.plannedS, 2 * 3600);
  near(f.availability, 0.5);
  near(oee.lastHour(at("10:30")).availability, 1);
});
