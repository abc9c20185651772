// A hostile Modbus TCP server made for this test answers each read with what fast-check picks:
// garbage, a lying length, a wrong transaction or unit id, an exception, a truncated frame, a
// trickle of bytes, silence, a closed connection, or the right answer → the driver's read always
// ends (within its timeout) with the registers or a failure with a reason; never a throw or a hang.
import assert from "node:assert/strict";
import fc from "fast-check";
import { modbusDevice } from "../../actors/modbus/config.ts";
import { modbusConnector } from "../../actors/modbus/link.ts";
import { readAll } from "../../actors/modbus/read.ts";
import { runs } from "./runs.ts";

type Behaviour =
  | { kind: "garbage"; bytes: Uint8Array }
  | { kind: "length"; delta: number }
  | { kind: "transaction" | "unit"; xor: number }
  | { kind: "exception"; code: number }
  | { kind: "truncate"; keep: number }
  | { kind: "trickle"; gapMs: number }
  | { kind: "silence" | "close" | "right" };

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

/** The right answer to an FC3 request (MBAP + PDU) for `count` registers valued 1, 2, … */
function answer(request: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(9 + count * 2);
  const view = new DataView(out.buffer);
  out.set(request.subarray(0, 4)); // transaction id, protocol id
  view.setUint16(4, 3 + count * 2);
  out[6] = request[6]; // unit
  out[7] = 3;
  out[8] = count * 2;
  for (let i = 0; i < count; i++) view.setUint16(9 + i * 2, i + 1);
  return out;
}

/** Serves one connection, answering each request as `b` says. */
async function serve(conn: Deno.Conn, b: Behaviour, count: number): Promise<void> {
  const buf = new Uint8Array(260);
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null || n < 12) return;
    const request = buf.slice(0, 12);
    let out = answer(request, count);
    switch (b.kind) {
      case "garbage":
        out = b.bytes;
        break;
      case "length":
        new DataView(out.buffer).setUint16(4, Math.max(0, 3 + count * 2 + b.delta));
        break;
      case "transaction":
        out[1] ^= b.xor;
        break;
      case "unit":
        out[6] ^= b.xor;
        break;
      case "exception":
        out = new Uint8Array([...request.subarray(0, 4), 0, 3, request[6], 0x83, b.code]);
        break;
      case "truncate":
        out = out.subarray(0, Math.min(b.keep, out.length - 1));
        break;
      case "trickle":
        for (const byte of out) {
          await conn.write(new Uint8Array([byte])).catch(() => {});
          await new Promise((r) => setTimeout(r, b.gapMs));
        }
        continue;
      case "silence":
        continue;
      case "close":
        return conn.close();
    }
    await conn.write(out).catch(() => {});
  }
}

Deno.test("fuzz: whatever a hostile server answers, a read ends with registers or a reason", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let current: { b: Behaviour; count: number } = { b: { kind: "right" }, count: 1 };
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      serve(conn, current.b, current.count).catch(() => {});
    }
  })().catch(() => {});
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
        current = { b, count };
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
    listener.close();
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed by the case */ }
    }
  }
});
