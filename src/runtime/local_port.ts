/**
 * The part of a MessagePort a channel uses: a MessagePort between threads, or one end of a
 * `localPorts()` pair between two actors of one worker.
 */
export interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  close(): void;
}

/** One end of a local pair. */
class LocalPort implements Port {
  onmessage: ((e: MessageEvent) => void) | null = null;
  peer: LocalPort | undefined;
  #closed = false;

  /**
   * Hands the message itself to the other end, after the current task's synchronous work (a
   * microtask), in order; nothing is cloned, so the sender must not touch it again (as after a
   * transfer).
   */
  postMessage(message: unknown): void {
    const to = this.peer;
    if (this.#closed || !to) return;
    queueMicrotask(() => {
      if (!to.#closed) to.onmessage?.({ data: message } as MessageEvent);
    });
  }

  /**
   * This end neither sends nor receives any more, as a MessagePort's close: what it posted before
   * still arrives; what the other end posts to it is dropped.
   */
  close(): void {
    this.#closed = true;
  }
}

/**
 * Two connected ports for two actors in the same worker: what one posts, the other receives, with
 * no serialisation and no trip through the event loop (a batch between a device and a sink that
 * share a worker cost ~12 µs each way over a MessageChannel).
 */
export function localPorts(): [Port, Port] {
  const a = new LocalPort(), b = new LocalPort();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
