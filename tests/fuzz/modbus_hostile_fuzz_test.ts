// A hostile Modbus TCP server made for this test answers each read with what fast-check picks:
// garbage, a lying length, a wrong transaction or unit id, an exception, a truncated frame, a
// trickle of bytes, silence, a closed connection, or the right answer → the driver's read always
// ends (within its timeout) with the registers or a failure with a reason; never a throw or a hang.
import assert from "node:assert/strict";
import fc from "fast-check";
import { modbusDevice } from "../../actors/modbus/config.ts";
import { modbusConnector } from "../../actors/modbus/link.ts";
import { readAll } from "../../actors/modbus/read.ts";
import { type Behaviour, HostileModbus } from "../helpers/hostile_modbus.ts";
import { runs } from "./runs.ts";

const behaviours: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => ({
    kind: "garbage" as const,
    bytes,
  })),
  fc.integer({ min: -20, max: 200 }).filter((d) => d !== 0).map((delta) => ({
    kind: "length" as const,
    delta,
  })),
  fc.integer({ min: 1, max: 255 }).map((xor) => ({ kind: "transaction" as const, xor })),
  fc.integer({ min: 1, max: 255 }).map((xor) => ({ kind: "unit" as const, xor })),
  fc.integer({ min: 0, max: 255 }).map((code) => ({ kind: "exception" as const, code })),
  fc.integer({ min: 1, max: 40 }).map((keep) => ({ kind: "truncate" as const, keep })),
  fc.integer({ min: 1, max: 30 }).map((gapMs) => ({ kind: "trickle" as const, gapMs })),
  fc.constantFrom({ kind: "silence" as const }, { kind: "close" as const }, {
    kind: "right" as const,
  }),
);

Deno.test("fuzz: whatever a hostile server answers, a read ends with registers or a reason", async () => {
  const server = new HostileModbus();
  const port = server.port;
  const cfg = modbusDevice.parse({
    kind: "modbus",
    host: "127.0.0.1",
    port,
    timeout_ms: 300,
    retries: 0,
    tags: [{ name: "t", address: "1!40001" }],
  });
  try {
    await fc.assert(
      fc.asyncProperty(behaviours, fc.integer({ min: 1, max: 20 }), async (b, count) => {
        server.behaviour = b;
        const lost: string[] = [];
        const client = await modbusConnector(cfg).open(
          (reason) => lost.push(reason),
          new AbortController().signal,
        );
        try {
          const read = readAll(client, [{
            unit: 1,
            area: "holding",
            start: 0,
            length: count,
            tags: [],
          }], cfg);
          let timer: ReturnType<typeof setTimeout> | undefined;
          const hung = new Promise<"hung">((r) => timer = setTimeout(() => r("hung"), 5000));
          const result = await Promise.race([read, hung]).finally(() => clearTimeout(timer));
          if (result === "hung") assert.fail(`${b.kind}: the read did not end within 5 s`);
          const [outcome] = result;
          if (outcome.ok) {
            assert.equal(outcome.data.length, count, `${b.kind}: the registers asked for`);
            assert.deepEqual(
              Array.from(outcome.data),
              Array.from({ length: count }, (_, i) => i + 1),
            );
          } else {
            assert.ok(outcome.reason.length > 0, `${b.kind}: a reason`);
            if (b.kind === "right") assert.fail(`the right answer refused: ${outcome.reason}`);
          }
          if (b.kind === "exception" && b.code >= 1 && b.code <= 11 && !outcome.ok) {
            assert.match(outcome.reason, /exception|timed out/);
          }
        } finally {
          modbusConnector(cfg).close(client, true);
        }
      }),
      runs(0.3),
    );
  } finally {
    server.close();
  }
});
