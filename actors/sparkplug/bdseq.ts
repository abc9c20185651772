import { dirname } from "node:path";

/**
 * The birth/death sequence number of an edge node, kept in a file so that every MQTT session
 * gets a new one, across restarts and `kill -9`: `next()` returns the number for the session about
 * to connect and has stored the one after it (synced to disk) before it returns, so no later
 * session can reuse it. 0–255, wrapping.
 */
export class BdSeqFile {
  constructor(readonly path: string) {}

  /** The bdSeq of the next session (0 the first time, or after a file that cannot be read). */
  async next(): Promise<number> {
    const current = await this.#read();
    const tmp = `${this.path}.tmp`;
    await Deno.mkdir(dirname(this.path), { recursive: true });
    const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      await file.write(new TextEncoder().encode(`${(current + 1) % 256}\n`));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, this.path);
    return current;
  }

  async #read(): Promise<number> {
    try {
      const n = Number((await Deno.readTextFile(this.path)).trim());
      return Number.isInteger(n) && n >= 0 && n <= 255 ? n : 0;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return 0;
      throw new Error(`Cannot read the bdSeq file ${this.path}: ${(err as Error).message}`);
    }
  }
}
