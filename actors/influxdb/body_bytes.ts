const enc = new TextEncoder();

/**
 * A request body built as bytes: each piece is copied in, where building a string would leave a
 * string (and a rope node) behind per piece for the garbage collector, then copy it all once more
 * to encode it.
 */
export class BodyBytes {
  #buf: Uint8Array<ArrayBuffer>;
  #len = 0;

  constructor(sizeHint = 1 << 16) {
    this.#buf = new Uint8Array(Math.max(64, sizeHint));
  }

  get length(): number {
    return this.#len;
  }

  /** Empties the body for the next one, keeping the memory. */
  reset(): void {
    this.#len = 0;
  }

  /** Bytes as they are (pieces encoded once and kept). */
  bytes(b: Uint8Array): void {
    this.#room(b.length);
    // A short piece is copied by hand: set() costs more than the copy for a few bytes.
    if (b.length < 64) { for (let i = 0; i < b.length; i++) this.#buf[this.#len++] = b[i]; }
    else this.#buf.set(b, this.#len), this.#len += b.length;
  }

  /** One byte (an ASCII character code). */
  byte(c: number): void {
    this.#room(1);
    this.#buf[this.#len++] = c;
  }

  /** A string of ASCII characters only (a number's or a timestamp's digits), byte by byte. */
  ascii(s: string): void {
    this.#room(s.length);
    for (let i = 0; i < s.length; i++) this.#buf[this.#len++] = s.charCodeAt(i);
  }

  /** Any string, as UTF-8. */
  text(s: string): void {
    this.#room(s.length * 3);
    this.#len += enc.encodeInto(s, this.#buf.subarray(this.#len)).written;
  }

  /** The body so far (a view of this buffer). */
  view(): Uint8Array<ArrayBuffer> {
    return this.#buf.subarray(0, this.#len);
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
  }
}
