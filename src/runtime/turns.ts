/**
 * Fair turns on a worker's event loop. A stream handled in microtasks (an MQTT client working
 * through a socket full of messages, a sink taking queued batches) never lets timers, I/O or
 * port messages in until it runs dry, and whatever else the worker hosts stalls meanwhile: the
 * forwarder waiting for channel credit, a database write waiting for its answer. `pause()` tells
 * such a stream to wait for the next macrotask once the current turn has run for `sliceMs`.
 */
export class Turns {
  #armed = false;
  #since = 0;

  constructor(private readonly sliceMs = 5) {}

  /** undefined to go on at once; or a promise to await, resolved after the event loop's turn. */
  pause(): Promise<void> | undefined {
    if (!this.#armed) {
      // A new turn: an immediate marks its end (it runs once the loop went round).
      this.#armed = true;
      this.#since = performance.now();
      setImmediate(() => this.#armed = false);
      return undefined;
    }
    if (performance.now() - this.#since < this.sliceMs) return undefined;
    // setImmediate, not setTimeout(0): the loop polls I/O, timers and port messages on the way,
    // and it costs µs where a 0 ms timer costs 1–2 ms.
    return new Promise((resolve) => setImmediate(resolve));
  }
}
