import type { Mapped } from "./map.ts";

interface Entry {
  ts: number;
  bytes: number;
  messages: Mapped[];
  values: number;
}

/**
 * The mapped messages of the records appended in this run, oldest first, so the forwarder maps a
 * message once. A record is known by its append time, unique in a run, and its length; one not
 * found here (recovered from disk, or pushed out while the sinks lagged) is decoded and mapped
 * again.
 */
export class MappedCache {
  #entries: Entry[] = [];
  #head = 0;
  #held = 0;
  /** Values held at most (about 100 bytes each): while the sinks lag, older records fall out. */
  static readonly MAX_VALUES = 200_000;

  put(ts: number, bytes: number, messages: Mapped[]): void {
    let values = 0;
    for (const m of messages) values += m.tags.length;
    if (values > MappedCache.MAX_VALUES) return;
    while (this.#held + values > MappedCache.MAX_VALUES) this.#drop();
    this.#entries.push({ ts, bytes, messages, values });
    this.#held += values;
  }

  /**
   * The values of this record if cached. Records are read in the order they were written and
   * their times rise, so entries before this one were never read (their append failed, say).
   */
  take(ts: number, bytes: number): Mapped[] | undefined {
    while (this.#head < this.#entries.length && this.#entries[this.#head].ts < ts) this.#drop();
    const hit = this.#entries[this.#head];
    if (!hit || hit.ts !== ts || hit.bytes !== bytes) return undefined;
    this.#drop();
    return hit.messages;
  }

  #drop(): void {
    this.#held -= this.#entries[this.#head++].values;
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
