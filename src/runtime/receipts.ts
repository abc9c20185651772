import type { SampleBatch } from "../model/batch.ts";

/** A batch whose source asked to hear once every routed sink has it. */
interface Pending {
  receipt: number;
  remaining: number;
  /** A sink worker died with a copy in flight: the source should send it again. */
  lost: boolean;
  reply: (receipt: number) => void;
}

/**
 * Tells a source when a batch it sent is settled: every sink it was routed to acked it (a buffered
 * sink acks once the batch is in its disk buffer) or a queue dropped it by its `drop_oldest`
 * policy (counted there) — the receipt — or a sink worker died with a copy in flight — the receipt
 * negated, so a source that still has the batch (the MQTT source keeps records in its disk buffer
 * until then) sends it again. Sinks ack in order, so the batches acked by a credit return are the
 * oldest ones in flight to that sink.
 */
export class Receipts {
  #pending = new WeakMap<SampleBatch, Pending>();
  #inFlight = new Map<string, (Pending | undefined)[]>();

  /** Starts tracking a batch fanned out as `copies` (one per routed sink); none: safe at once. */
  track(receipt: number, copies: SampleBatch[], reply: (receipt: number) => void): void {
    if (copies.length === 0) return reply(receipt);
    const p: Pending = { receipt, remaining: copies.length, lost: false, reply };
    for (const c of copies) this.#pending.set(c, p);
  }

  /** A batch went out to a sink; call for every batch sent, tracked or not, in order. */
  sent(sink: string, batch: SampleBatch): void {
    let q = this.#inFlight.get(sink);
    if (!q) this.#inFlight.set(sink, q = []);
    q.push(this.#pending.get(batch));
    this.#pending.delete(batch);
  }

  /** True while a batch with a receipt is in flight to the sink. */
  awaiting(sink: string): boolean {
    return this.#inFlight.get(sink)?.some((p) => p !== undefined) ?? false;
  }

  /** A sink acked its n oldest batches in flight. */
  acked(sink: string, n: number): void {
    const q = this.#inFlight.get(sink);
    if (!q) return;
    for (const p of q.splice(0, n)) if (p) this.#settle(p);
  }

  /** A queued batch left without reaching its sink (dropped by policy). */
  dropped(batch: SampleBatch): void {
    const p = this.#pending.get(batch);
    this.#pending.delete(batch);
    if (p) this.#settle(p);
  }

  /** A sink worker went away: what it had in flight will never be acked. */
  lost(sink: string): void {
    const q = this.#inFlight.get(sink);
    if (!q) return;
    for (const p of q.splice(0)) if (p) this.#settle(p, true);
  }

  #settle(p: Pending, lost = false): void {
    p.lost ||= lost;
    if (--p.remaining === 0) p.reply(p.lost ? -p.receipt : p.receipt);
  }
}

/** Called once a batch is settled: stored (or dropped by policy), or lost with a sink worker. */
export type OnSettled = (stored: boolean) => void;

/** The source side: callbacks by receipt number, for the batches of one worker's devices. */
export class ReceiptWaiters {
  #next = 1;
  #waiting = new Map<number, OnSettled>();

  /** A fresh receipt number (positive) whose return calls `onSettled`. */
  add(onSettled: OnSettled): number {
    const receipt = this.#next++;
    this.#waiting.set(receipt, onSettled);
    return receipt;
  }

  /** A receipt came back from the router: negated when the batch was lost. */
  settle(receipt: unknown): void {
    if (typeof receipt !== "number" || receipt === 0) return;
    const key = Math.abs(receipt);
    const done = this.#waiting.get(key);
    this.#waiting.delete(key);
    done?.(receipt > 0);
  }

  /** Receipts still awaited. */
  get size(): number {
    return this.#waiting.size;
  }
}
