/** How the hostile server answers a read. */
export type Behaviour =
  | { kind: "garbage"; bytes: Uint8Array }
  | { kind: "length"; delta: number }
  | { kind: "transaction" | "unit"; xor: number }
  | { kind: "exception"; code: number }
  | { kind: "truncate"; keep: number }
  | { kind: "trickle"; gapMs: number }
  | { kind: "silence" | "close" | "right" };

/** The right answer to an FC3 request (MBAP + PDU): the registers asked for, valued 1, 2, … */
export function rightAnswer(request: Uint8Array): Uint8Array {
  const count = Math.min(125, new DataView(request.buffer, request.byteOffset).getUint16(10));
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

/** Serves one connection, answering each request as `behaviour()` says at that moment. */
async function serve(conn: Deno.Conn, behaviour: () => Behaviour): Promise<void> {
  const buf = new Uint8Array(260);
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null || n < 12) return;
    const request = buf.slice(0, 12);
    const b = behaviour();
    let out = rightAnswer(request);
    switch (b.kind) {
      case "garbage":
        out = b.bytes;
        break;
      case "length":
        new DataView(out.buffer).setUint16(4, Math.max(0, out.length - 6 + b.delta));
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

/**
 * A Modbus TCP server made for tests that answers holding-register reads as told: rightly, or
 * with garbage, a lying length, a wrong transaction or unit id, an exception, a truncated frame,
 * a trickle, silence or a closed connection. `behaviour` may change at any time.
 */
export class HostileModbus {
  behaviour: Behaviour = { kind: "right" };
  readonly port: number;
  readonly #listener: Deno.TcpListener;
  readonly #conns: Deno.Conn[] = [];

  constructor() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#listener = listener;
    this.port = (listener.addr as Deno.NetAddr).port;
    (async () => {
      for await (const conn of listener) {
        this.#conns.push(conn);
        serve(conn, () => this.behaviour).catch(() => {});
      }
    })().catch(() => {});
  }

  close(): void {
    this.#listener.close();
    for (const c of this.#conns) {
      try {
        c.close();
      } catch { /* closed already */ }
    }
  }
}
