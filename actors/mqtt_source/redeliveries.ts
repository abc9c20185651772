import { crc32 } from "node:zlib";
import type { KeptMessage } from "../../src/runtime/kit.ts";

/** Messages remembered per connection: a redelivery concerns only the latest in flight. */
const KEEP = 4096;
/** Past this size the ledger file is written anew with what is remembered. */
const MAX_FILE = 1 << 20;
const ENTRY = 8; // client u8, pad u8, packet id u16, digest u32
const enc = new TextEncoder();

/** What identifies a message's content: crc32 of its topic and payload. */
export function digestOf(topic: string, payload: Uint8Array): number {
  return crc32(payload, crc32(enc.encode(topic)));
}

/**
 * Which QoS 1 messages the source stored, by connection and packet identifier (with a digest of
 * topic and payload), kept in `received.ledger` beside its buffer. A message is stored, then
 * entered here, then its PUBACK leaves; a crash anywhere in between makes the broker send it
 * again, flagged DUP, with the same packet identifier. Such a copy of a stored message is
 * acknowledged and dropped rather than stored twice with a new arrival time.
 *
 * The one gap, a crash between the buffer write and the ledger entry, is closed at open: the
 * buffer's last record (what the previous run wrote last) is entered too. Identifiers come back
 * after 65,535 messages of a connection: only the latest 4,096 of each are remembered.
 */
export class Redeliveries {
  readonly #byClient = new Map<number, Map<number, number>>();
  #file: Deno.FsFile | undefined;
  #size = 0;

  private constructor(readonly path: string) {}

  /** Opens the ledger in `dir`, adding the messages of the buffer's last record (`last`). */
  static async open(dir: string, last: KeptMessage[] = []): Promise<Redeliveries> {
    const ledger = new Redeliveries(`${dir}/received.ledger`);
    let bytes = new Uint8Array();
    try {
      bytes = await Deno.readFile(ledger.path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + ENTRY <= bytes.length; at += ENTRY) {
      ledger.#remember(view.getUint8(at), view.getUint16(at + 2), view.getUint32(at + 4));
    }
    for (const m of last) {
      if (m.packetId) ledger.#remember(m.client ?? 0, m.packetId, digestOf(m.topic, m.payload));
    }
    await ledger.#rewrite();
    return ledger;
  }

  /** True for a redelivered copy (DUP) of a message stored before. */
  isCopy(client: number, packetId: number, digest: number, dup: boolean): boolean {
    return dup && packetId !== 0 && this.#byClient.get(client)?.get(packetId) === digest;
  }

  /** Enters messages just written to the buffer (before their PUBACKs leave). */
  add(messages: KeptMessage[]): void {
    const out = new Uint8Array(messages.length * ENTRY);
    const view = new DataView(out.buffer);
    let n = 0;
    for (const m of messages) {
      if (!m.packetId) continue;
      const digest = digestOf(m.topic, m.payload);
      this.#remember(m.client ?? 0, m.packetId, digest);
      view.setUint8(n * ENTRY, m.client ?? 0);
      view.setUint16(n * ENTRY + 2, m.packetId);
      view.setUint32(n * ENTRY + 4, digest);
      n++;
    }
    if (n === 0 || !this.#file) return;
    const bytes = out.subarray(0, n * ENTRY);
    for (let at = 0; at < bytes.length;) at += this.#file.writeSync(bytes.subarray(at));
    this.#size += bytes.length;
    if (this.#size > MAX_FILE) this.#rewriteSync();
  }

  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  #remember(client: number, packetId: number, digest: number): void {
    let ids = this.#byClient.get(client);
    if (!ids) this.#byClient.set(client, ids = new Map());
    ids.delete(packetId); // to the end: the newest last
    ids.set(packetId, digest);
    if (ids.size > KEEP) ids.delete(ids.keys().next().value!);
  }

  /** What is remembered, as ledger entries. */
  #entries(): Uint8Array {
    let n = 0;
    for (const ids of this.#byClient.values()) n += ids.size;
    const out = new Uint8Array(n * ENTRY);
    const view = new DataView(out.buffer);
    let at = 0;
    for (const [client, ids] of this.#byClient) {
      for (const [packetId, digest] of ids) {
        view.setUint8(at, client);
        view.setUint16(at + 2, packetId);
        view.setUint32(at + 4, digest);
        at += ENTRY;
      }
    }
    return out;
  }

  async #rewrite(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    await Deno.writeFile(tmp, this.#entries());
    await Deno.rename(tmp, this.path);
    this.#file?.close();
    this.#file = await Deno.open(this.path, { append: true });
    this.#size = (await this.#file.stat()).size;
  }

  #rewriteSync(): void {
    const tmp = `${this.path}.tmp`;
    Deno.writeFileSync(tmp, this.#entries());
    Deno.renameSync(tmp, this.path);
    this.#file?.close();
    this.#file = Deno.openSync(this.path, { append: true });
    this.#size = this.#file.statSync().size;
  }
}
