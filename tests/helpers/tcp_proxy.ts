/** Closes `which` of the held connections (all by default), a closed one too, and forgets them. */
export function closeConns(held: Set<Deno.Conn>, which: Iterable<Deno.Conn> = held): void {
  for (const c of which) {
    try {
      c.close();
    } catch { /* already closed */ }
    held.delete(c);
  }
}

/**
 * A TCP forwarder for fault injection, listening on `hostname` (127.0.0.1 by default):
 * `cut()` drops every connection and refuses new ones (a database or broker going away),
 * `restore()` lets traffic through again; `delayMs` holds every chunk that long each way.
 */
export class TcpProxy {
  #listener: Deno.Listener | undefined;
  #conns = new Set<Deno.Conn>();

  delayMs = 0;

  constructor(
    readonly port: number,
    readonly target: number,
    readonly hostname = "127.0.0.1",
  ) {}

  /** Starts forwarding hostname:port → 127.0.0.1:target. */
  restore(): void {
    if (this.#listener) return;
    const listener = Deno.listen({ hostname: this.hostname, port: this.port });
    this.#listener = listener;
    (async () => {
      for await (const client of listener) this.#pipe(client);
    })().catch(() => {/* closed by cut() */});
  }

  /** Drops every connection and stops listening. */
  cut(): void {
    this.#listener?.close();
    this.#listener = undefined;
    closeConns(this.#conns);
  }

  async #pipe(client: Deno.Conn): Promise<void> {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.target });
    } catch {
      client.close();
      return;
    }
    this.#conns.add(client).add(upstream);
    const delayed = () =>
      new TransformStream<Uint8Array, Uint8Array>({
        transform: async (chunk, out) => {
          if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
          out.enqueue(chunk);
        },
      });
    const copy = (from: Deno.Conn, to: Deno.Conn) =>
      from.readable.pipeThrough(delayed()).pipeTo(to.writable).catch(() => {}).finally(() =>
        closeConns(this.#conns, [from, to])
      );
    await Promise.all([copy(client, upstream), copy(upstream, client)]);
  }
}
