/**
 * Holds items sent close together so they cross to another thread as one message: a message
 * between threads costs both threads far more than the few samples a poll yields. An item sent
 * `windowMs` or more after the previous message leaves at once, so a steady trickle gains no
 * delay; one sent sooner waits for the rest of the window and leaves with whatever else came
 * meanwhile. With a window of 0 nothing is held. What is held is bounded by the channel's credit,
 * which each item took when it was sent.
 */
export class Coalescer<T> {
  #held: T[] = [];
  #transfers: Transferable[] = [];
  #lastPost = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly windowMs: number,
    /** Posts one item as a message. */
    private readonly postOne: (item: T, transfers: Transferable[]) => void,
    /** Posts several items as one message. */
    private readonly postMany: (items: T[], transfers: Transferable[]) => void,
  ) {}

  /** Sends an item now or holds it for the window; its transfers go with it. */
  add(item: T, transfers: Transferable[]): void {
    if (this.windowMs <= 0) return this.postOne(item, transfers); // no clock read, no array
    const wait = this.#lastPost + this.windowMs - performance.now();
    if (wait <= 0 && this.#held.length === 0) {
      this.#lastPost = performance.now();
      return this.postOne(item, transfers);
    }
    this.#held.push(item);
    for (const t of transfers) this.#transfers.push(t);
    this.#timer ??= setTimeout(() => this.flush(), Math.max(0, wait));
  }

  /** Posts what is held, now (before a control message or the end, which must follow the data). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#held.length === 0) return;
    const items = this.#held, transfers = this.#transfers;
    this.#held = [];
    this.#transfers = [];
    this.#lastPost = performance.now();
    if (items.length === 1) this.postOne(items[0], transfers);
    else this.postMany(items, transfers);
  }

  /** Drops what is held (the port is closing: it would be lost with it, as posted items are). */
  discard(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = [];
    this.#transfers = [];
  }
}
