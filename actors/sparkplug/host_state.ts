/** A primary host application's state, as its STATE message says. */
export interface HostState {
  online: boolean;
  /** The host's timestamp (Sparkplug 3.0); older messages than one seen are ignored. */
  timestamp?: number;
}

/**
 * Reads a STATE payload: Sparkplug 3.0's JSON `{"online": true, "timestamp": …}`, or the
 * `ONLINE`/`OFFLINE` text of earlier hosts; undefined for anything else.
 */
export function hostState(payload: Uint8Array): HostState | undefined {
  const text = new TextDecoder().decode(payload).trim();
  if (text === "ONLINE" || text === "OFFLINE") return { online: text === "ONLINE" };
  try {
    const json = JSON.parse(text);
    if (typeof json?.online !== "boolean") return undefined;
    const state: HostState = { online: json.online };
    if (typeof json.timestamp === "number") state.timestamp = json.timestamp;
    return state;
  } catch {
    return undefined;
  }
}
