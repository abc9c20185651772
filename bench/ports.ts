// Ports for a bench's simulators, found free on loopback.

/** A base port with n free consecutive ports below the ephemeral range. */
export function freePortRange(n: number, from = 20000): number {
  const ephemeral = Number(
    Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range").split(/\s+/)[0],
  );
  for (let base = from; base + n <= ephemeral; base += n) {
    const held: Deno.Listener[] = [];
    try {
      for (let p = base; p < base + n; p++) {
        held.push(Deno.listen({ hostname: "127.0.0.1", port: p }));
      }
      return base;
    } catch {
      /* taken: try the next range */
    } finally {
      held.forEach((l) => l.close());
    }
  }
  throw new Error(`Cannot find ${n} free ports between ${from} and ${ephemeral}`);
}

/** A port free on loopback now (the system picks it). */
export function loopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listener.close();
  return listener.addr.port;
}
