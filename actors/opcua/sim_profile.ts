import { DataType, type UAVariable } from "node-opcua";

/** One variable of the simulator: its type, current value, and how it changes each tick. */
export interface SimVariable {
  name: string;
  dataType: DataType;
  value: unknown;
  writable: boolean;
  unit?: string;
  /** EURange: an AnalogItem (with EngineeringUnits), so percent deadbands apply to it. */
  range?: [number, number];
  /** The next value, or undefined to keep the current one; absent for static variables. */
  next?: (now: number) => unknown;
  node?: UAVariable;
}

/** A value drifting towards `target` with noise, rounded to `digits`. */
function drift(random: () => number, noise: number, pull: number, digits: number) {
  return (value: number, target: number) =>
    Number((value + (target - value) * pull + (random() - 0.5) * 2 * noise).toFixed(digits));
}

/**
 * Seed 000's second air compressor (the one on an OPC UA PLC): it runs for a while, stops for a
 * few ticks now and then, and temperature, motor current and vibration follow. The signal light
 * and the pressure setpoint are for clients to write.
 */
export function compressor2(random: () => number): SimVariable[] {
  let running = true;
  let temperature = 78, current = 41.5, vibration = 2.4;
  const walk = drift(random, 0.4, 0.05, 2);
  const jitter = drift(random, 0.3, 0.3, 2);
  const shake = drift(random, 0.08, 0.2, 3);
  const state = (now: number) => {
    // Stops for about 20 s every 10 minutes, at the same wall-clock phase in every run.
    running = now % 600_000 >= 20_000;
    temperature = walk(temperature, running ? 80 : 35);
    current = running ? jitter(current, 42) : 0;
    vibration = running ? Math.max(0, shake(vibration, 2.5)) : 0.05;
  };
  return [
    {
      name: "Temperature",
      dataType: DataType.Double,
      value: temperature,
      writable: false,
      unit: "degC",
      range: [-20, 150],
      next: (now) => (state(now), temperature),
    },
    {
      name: "MotorCurrent",
      dataType: DataType.Double,
      value: current,
      writable: false,
      unit: "A",
      range: [0, 100],
      next: () => current,
    },
    {
      name: "Vibration",
      dataType: DataType.Double,
      value: vibration,
      writable: false,
      unit: "mm/s",
      range: [0, 20],
      next: () => vibration,
    },
    {
      name: "RunStatus",
      dataType: DataType.Boolean,
      value: running,
      writable: false,
      next: () => running,
    },
    { name: "SignalLight", dataType: DataType.Boolean, value: false, writable: true },
    {
      name: "PressureSetpoint",
      dataType: DataType.Double,
      value: 7.5,
      writable: true,
      unit: "bar",
      range: [0, 16],
    },
  ];
}

/** [high, low] 32-bit words of a 64-bit integer, as node-opcua carries Int64 and UInt64. */
function words(n: bigint): [number, number] {
  const u = BigInt.asUintN(64, n);
  return [Number(u >> 32n), Number(u & 0xffff_ffffn)];
}

/** One writable variable of every built-in scalar type, with a known starting value. */
export function typeBench(): SimVariable[] {
  const fixed = (name: string, dataType: DataType, value: unknown): SimVariable => ({
    name,
    dataType,
    value,
    writable: true,
  });
  return [
    fixed("Boolean", DataType.Boolean, true),
    fixed("SByte", DataType.SByte, -8),
    fixed("Byte", DataType.Byte, 200),
    fixed("Int16", DataType.Int16, -12345),
    fixed("UInt16", DataType.UInt16, 54321),
    fixed("Int32", DataType.Int32, -123456789),
    fixed("UInt32", DataType.UInt32, 3123456789),
    fixed("Int64", DataType.Int64, words(-1234567890123n)),
    fixed("UInt64", DataType.UInt64, words(9007199254740991n)),
    fixed("Float", DataType.Float, 123.5),
    fixed("Double", DataType.Double, -98765.4321),
    fixed("String", DataType.String, "Tagflow!"),
    fixed("DateTime", DataType.DateTime, new Date("2026-01-01T00:00:00Z")),
  ];
}
