/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold: LogLevel = "info";

/** Sets the lowest level that is written (per thread; workers are told at start). */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

export function getLogLevel(): LogLevel {
  return threshold;
}

/** Writes one JSON line per event: for operators, never one per sample. */
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** A logger whose lines carry the given fields (an actor id, say). */
export function logger(base: Record<string, unknown> = {}): Logger {
  return (level, msg, fields) => {
    if (RANK[level] < RANK[threshold]) return;
    const line = JSON.stringify({ ts: new Date().toISOString(), level, msg, ...base, ...fields });
    if (RANK[level] >= RANK.warn) console.error(line);
    else console.log(line);
  };
}
