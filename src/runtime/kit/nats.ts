import type { NatsConnection } from "@nats-io/transport-node";
import { type TlsFiles, tlsOptions } from "./tls.ts";

/** A NATS client's settings (the `natsServer` config fields). */
export interface NatsServerConfig {
  servers: string[];
  tls?: TlsFiles;
  user?: string;
  password?: string;
  token?: string;
}

/**
 * Connects to the configured servers only (cluster gossip is ignored: the worker may reach no
 * other host), reconnecting without end; TLS files are read here, the server always checked.
 */
export async function connectNats(
  cfg: NatsServerConfig,
  name: string,
  timeoutMs: number,
): Promise<NatsConnection> {
  const tls = cfg.tls || cfg.servers.some((s) => s.startsWith("tls://"))
    ? await tlsOptions(cfg.tls)
    : undefined;
  // Loaded here, not with the kit: a worker without NATS actors is 13 MB smaller without it.
  const { connect } = await import("@nats-io/transport-node");
  return await connect({
    servers: cfg.servers.map((s) => s.replace(/^nats:\/\//, "")),
    name,
    user: cfg.user || undefined,
    pass: cfg.password || undefined,
    token: cfg.token || undefined,
    tls: tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : undefined,
    ignoreClusterUpdates: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: timeoutMs,
    // Otherwise every request makes two Error objects up front for their stack traces: a fifth
    // of a busy sink's CPU.
    noAsyncTraces: true,
  });
}

/** "host:port" of each server URL (4222 by default), for the worker's net permission. */
export function natsEndpoints(servers: string[]): string[] {
  return servers.map((s) => {
    const u = new URL(s.replace(/^(nats|tls):/, "http:"));
    return `${u.hostname}:${u.port || 4222}`;
  });
}
