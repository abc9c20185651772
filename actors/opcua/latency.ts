import { Histogram } from "../../src/runtime/kit.ts";

/**
 * Change-to-sample latency: from a value's source timestamp (when it changed in the server) to
 * the moment the device actor has it as a sample, in ms.
 */
export const changeLatency = new Histogram("change_latency_ms", [
  10,
  25,
  50,
  100,
  250,
  500,
  750,
  1000,
  1250,
  1500,
  1750,
  2000,
  2500,
  3000,
]);
