/**
 * What an actor may reach, granted to the worker that hosts it (Deno's worker permissions): the
 * hosts it connects to or listens on ("host:port"), the paths it reads and writes, and whether it
 * may read system information (a host name). Anything else is refused with NotCapable.
 */
export interface ActorPermissions {
  net: string[];
  read: string[];
  write: string[];
  sys?: boolean;
  /** Directories the gateway makes before the actor starts (the actor may not write their parent). */
  dirs?: string[];
}

/** Default ports of the URL schemes the drivers speak. */
const PORTS: Record<string, number> = {
  "mqtt:": 1883,
  "tcp:": 1883,
  "mqtts:": 8883,
  "ssl:": 8883,
  "ws:": 80,
  "wss:": 443,
  "http:": 80,
  "https:": 443,
  "postgres:": 5432,
  "postgresql:": 5432,
  "opc.tcp:": 4840,
};

/** "host:port" of a URL, the scheme's default port filled in; IPv6 hosts keep their brackets. */
export function endpointOf(url: string): string {
  const u = new URL(url);
  const port = u.port || PORTS[u.protocol];
  if (!port) throw new Error(`No default port for ${u.protocol} in ${url}`);
  return `${u.hostname}:${port}`;
}

/** The directory of an actor's disk buffer (see openBuffer). */
export function bufferDir(id: string, buffer: { dir?: string } | undefined): string {
  return buffer?.dir ?? `data/buffer/${id}`;
}

/** The union of several actors' permissions (a worker hosting them all). */
export function unionOf(list: ActorPermissions[]): ActorPermissions {
  const set = (k: "net" | "read" | "write") => [...new Set(list.flatMap((p) => p[k]))].sort();
  return {
    net: set("net"),
    read: set("read"),
    write: set("write"),
    sys: list.some((p) => p.sys),
  };
}
