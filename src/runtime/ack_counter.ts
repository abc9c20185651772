/**
 * How a channel's credit comes back: a count of acked items in memory both ends share. The
 * receiver adds to it as its consumer acks; the sender takes what was added since it last looked.
 * Nothing crosses between the threads for that, and no thread is woken, unless the sender waits
 * (`watch`): then the next add wakes it. Only differences of the count are read, so its wrapping
 * at 2^32 does no harm. It outlives either end: a sender whose receiver died still reads exactly
 * how many of its items were acked before that.
 */
export class AckCounter {
  readonly #cell: Int32Array;
  #seen = 0;
  #watching = false;
  #onWake: (() => void) | undefined;

  /** The sender makes the memory; the receiver gets its `buffer` (first message on the port). */
  constructor(readonly buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.#cell = new Int32Array(buffer);
  }

  /** Receiver: its consumer acked n more items. */
  add(n: number): void {
    Atomics.add(this.#cell, 0, n);
    Atomics.notify(this.#cell, 0);
  }

  /** Sender: how many items were acked since the last take. */
  take(): number {
    const now = Atomics.load(this.#cell, 0);
    const n = (now - this.#seen) | 0;
    this.#seen = now;
    return n;
  }

  /** Sender: calls `onWake` once, when the count moves past the last take (soon if it has). */
  watch(onWake: () => void): void {
    this.#onWake = onWake;
    if (this.#watching) return; // the wait in place ends at the next add
    const wait = Atomics.waitAsync(this.#cell, 0, this.#seen);
    if (!wait.async) return queueMicrotask(() => this.#wake());
    this.#watching = true;
    wait.value.then(() => {
      this.#watching = false;
      this.#wake();
    });
  }

  /** Sender: ends a watch without waiting for an add (the channel closed). */
  unwatch(): void {
    this.#onWake = undefined;
    if (this.#watching) Atomics.notify(this.#cell, 0);
  }

  #wake(): void {
    const onWake = this.#onWake;
    this.#onWake = undefined;
    onWake?.();
  }
}
