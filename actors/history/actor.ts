import { dirname } from "node:path";
import { GatewayError } from "../../src/model/errors.ts";
import { type ActorContext, runBufferedSink, type Verdict } from "../../src/runtime/kit.ts";
import type { HistorySinkConfig } from "./config.ts";
import { type HistoryQuery, HistoryStore } from "./store.ts";

const RETAIN_EVERY_MS = 60_000;

/** SQLite errors worth trying again (busy, locked, disk full, I/O); others are the rows' fault. */
function classify(err: unknown): Verdict {
  const code = (err as { errcode?: number }).errcode;
  return code === undefined || [5, 6, 10, 13, 14].includes(code & 0xff) ? "retry" : "reject";
}

/**
 * The history sink: every sample routed to it, in a SQLite file in the gateway's process,
 * written from its disk buffer like the other database sinks (idempotently: a replay adds
 * nothing), kept for `retain` and within `max_bytes`, and queried through the command path
 * (`{op: "query", path, from, to, points}`), which `GET /api/history` uses.
 */
export default async function history(ctx: ActorContext<HistorySinkConfig>): Promise<void> {
  const cfg = ctx.config;
  // The gateway makes the directory before the actor starts (its worker may not write there).
  await Deno.mkdir(dirname(cfg.file), { recursive: true }).catch((err) => {
    if (!(err instanceof Deno.errors.NotCapable)) throw err;
  });
  const store = new HistoryStore(cfg.file, { fsync: cfg.fsync });
  ctx.onCommand((cmd) => {
    if (cmd.op !== "query") {
      throw new GatewayError(
        "rejected",
        "command",
        `Cannot run ${cmd.op} on ${ctx.id}: it takes "query"`,
      );
    }
    return Promise.resolve(store.query(cmd as unknown as HistoryQuery));
  });
  const retain = () => {
    try {
      const n = store.retain(Date.now(), cfg.retain, cfg.max_bytes);
      ctx.counters.retired = (ctx.counters.retired ?? 0) + n;
      ctx.counters.history_bytes = store.bytes();
    } catch (err) {
      ctx.counters.errors++;
      ctx.log("warn", "Cannot apply the retention", { error: (err as Error).message });
    }
  };
  retain();
  const timer = setInterval(retain, RETAIN_EVERY_MS);
  try {
    await runBufferedSink(
      ctx,
      // One writer: SQLite takes one write transaction at a time.
      { buffer: cfg.buffer, batch: { ...cfg.batch, max_in_flight: 1 } },
      () =>
        Promise.resolve({
          write: (rows) => Promise.resolve(store.write(rows)),
          classify,
          close: () => Promise.resolve(),
        }),
    );
  } finally {
    clearInterval(timer);
    store.close();
  }
}
