/**
 * Turns Nagle's algorithm off on a client's TCP (or TLS) stream, for publishers: their writes are
 * already whole messages or batches, and with Nagle a write made while the previous one is not yet
 * acknowledged waits for the peer's TCP ack, up to its delayed-ack timer (~40 ms) when the peer is
 * slow to answer. A stream that is not a socket (a WebSocket's) is left as it is.
 */
export function noDelay(client: { stream: unknown }): void {
  (client.stream as { setNoDelay?(on: boolean): void }).setNoDelay?.(true);
}
