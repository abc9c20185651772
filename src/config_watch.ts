import { createHash } from "node:crypto";
import { basename, dirname, resolve } from "node:path";

/** A digest of a config text: what the watch keeps instead of the text (a megabyte at 1,000 devices). */
const digest = (text: string) => createHash("sha256").update(text).digest("base64");

/**
 * Calls `onChange` when the config file's text changes: its folder is watched (an editor that
 * saves by writing a new file and renaming it replaces the file watched), events are settled for
 * `settleMs` (a save is several events), and a save that leaves the text as it was is no change.
 * Stops with the signal. The folder is watched from the moment of the call.
 */
export async function watchConfig(
  file: string,
  onChange: () => void,
  signal: AbortSignal,
  settleMs = 300,
): Promise<void> {
  const path = resolve(file);
  const read = () => Deno.readTextFile(path).catch(() => undefined);
  // Read and watched before the first await: a save right after the call is seen.
  let last: string | undefined;
  try {
    last = digest(Deno.readTextFileSync(path));
  } catch { /* not there yet */ }
  const watcher = Deno.watchFs(dirname(path), { recursive: false });
  signal.addEventListener("abort", () => watcher.close(), { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settle = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = await read();
      if (text === undefined || signal.aborted) return;
      const now = digest(text);
      if (now === last) return;
      last = now;
      onChange();
    }, settleMs);
  };
  try {
    for await (const ev of watcher) {
      if (ev.paths.some((p) => p === path || basename(p) === basename(path))) settle();
    }
  } finally {
    clearTimeout(timer);
  }
}
