import { dirname } from "node:path";
import type { CommandChannel } from "./writes.ts";

/** One command as the audit log keeps it, accepted or refused. */
export interface AuditEntry {
  /** When the command came in, ISO 8601. */
  ts: string;
  /** How it came: the REST API, an MQTT command topic or a Sparkplug DCMD. */
  channel: CommandChannel;
  /** Who sent it: the API token's name, or the MQTT sink and topic it came through. */
  caller: string;
  action: "write" | "restart" | "reload";
  device?: string;
  tag?: string;
  actor?: string;
  value?: unknown;
  /** done: carried out; refused: stopped before reaching the device; failed: the device failed it. */
  outcome: "done" | "refused" | "failed";
  /** Why not done: the refusal or error code, and the message. */
  code?: string;
  reason?: string;
  written?: unknown;
  readback?: unknown;
  duration_ms: number;
}

/** How much of the log's end is read back at start, for `recent`. */
const TAIL_BYTES = 4 << 20;

/**
 * The append-only audit log of commands: one JSON line each in `file` (written synchronously, so
 * a command's line is on disk before its answer leaves), and the latest `keep` entries in memory
 * for `GET /api/audit`, read back from the file's end at start.
 */
export class AuditLog {
  #recent: AuditEntry[] = [];

  private constructor(readonly file: string | undefined, readonly keep: number) {}

  /** Opens the log at `file` (created with its directory), or one in memory only without a file. */
  static async open(file: string | undefined, keep = 10_000): Promise<AuditLog> {
    const log = new AuditLog(file, keep);
    if (!file) return log;
    await Deno.mkdir(dirname(file), { recursive: true });
    let text = "";
    try {
      using f = await Deno.open(file, { read: true });
      const size = (await f.stat()).size;
      const from = Math.max(0, size - TAIL_BYTES);
      await f.seek(from, Deno.SeekMode.Start);
      const buf = new Uint8Array(size - from);
      let got = 0;
      while (got < buf.length) {
        const n = await f.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      text = new TextDecoder().decode(buf.subarray(0, got));
      if (from > 0) text = text.slice(text.indexOf("\n") + 1); // a line cut by the tail's start
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        log.#remember(JSON.parse(line));
      } catch { /* a line torn by a crash mid-write: the rest are good */ }
    }
    return log;
  }

  append(entry: AuditEntry): void {
    if (this.file) {
      Deno.writeTextFileSync(this.file, JSON.stringify(entry) + "\n", { append: true });
    }
    this.#remember(entry);
  }

  /** Entries at or after `since` (ms since the epoch), oldest first, at most `limit` (the latest). */
  recent(since = 0, limit = 100): AuditEntry[] {
    const from = this.#recent.filter((e) => Date.parse(e.ts) >= since);
    return from.slice(Math.max(0, from.length - limit));
  }

  #remember(entry: AuditEntry): void {
    this.#recent.push(entry);
    if (this.#recent.length > this.keep * 1.25) {
      this.#recent = this.#recent.slice(this.#recent.length - this.keep);
    }
  }
}
