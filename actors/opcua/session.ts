import {
  type ClientSession,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  type UserIdentityInfo,
  UserTokenType,
} from "node-opcua";
import { Buffer } from "node:buffer";
import type { OpcuaDeviceConfig } from "./config.ts";
import { type ActorContext, type Connector, Link, unlessAborted } from "../../src/runtime/kit.ts";
import { isUntrusted, openPki, type Pki, untrustedAdvice } from "./pki.ts";

/** The DER bytes of a certificate file in PEM or DER form. */
function certificateBytes(file: string): Buffer {
  const bytes = Deno.readFileSync(file);
  const text = new TextDecoder().decode(bytes);
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
  return Buffer.from(pem ? Buffer.from(pem[1].replace(/\s+/g, ""), "base64") : bytes);
}

/** The session's user: anonymous, a username and password, or an X.509 certificate and key. */
export function identity(cfg: OpcuaDeviceConfig): UserIdentityInfo {
  const auth = cfg.auth;
  if (auth.type === "anonymous") return { type: UserTokenType.Anonymous };
  if (auth.type === "username") {
    return { type: UserTokenType.UserName, userName: auth.username, password: auth.password };
  }
  let file = auth.certificate;
  try {
    const certificateData = certificateBytes(file);
    file = auth.private_key;
    const privateKey = Deno.readTextFileSync(file);
    return { type: UserTokenType.Certificate, certificateData, privateKey };
  } catch (err) {
    throw new Error(`Cannot read the user's ${file}: ${(err as Error).message}`);
  }
}

/** Why a connection attempt failed, in words an operator can act on. */
function describe(
  err: unknown,
  cfg: OpcuaDeviceConfig,
  pki: Pki | undefined,
  stage: "connect" | "subscribe",
): string {
  if (pki && isUntrusted(err)) return untrustedAdvice(pki.root, cfg.endpoint);
  const message = (err as Error)?.message ?? String(err);
  const first = message.split("\n")[0].trim();
  if (/BadUserAccessDenied|BadIdentityToken|BadUserSignatureInvalid/.test(message)) {
    return `Cannot open a session on ${cfg.endpoint}: the server refused the user (${first})`;
  }
  if (/cannot find endpoint|No endpoint found|BadSecurityPolicyRejected/i.test(message)) {
    return `Cannot connect to ${cfg.endpoint}: the server offers no endpoint with ` +
      `${cfg.security_policy}/${cfg.security_mode} (${first})`;
  }
  const action = stage === "subscribe" ? "subscribe on" : "connect to";
  return `Cannot ${action} ${cfg.endpoint}: ${first}`;
}

/** A live connection: the client, its session, and the PKI folder it was opened with. */
export interface OpcuaConnection {
  client: OPCUAClient;
  session: ClientSession;
  pki: Pki;
}

/**
 * Keeps one client and session to an OPC UA server: connects, hands the session to `setup` (the
 * device subscribes there; it may throw to drop the connection and retry), and on any loss tears
 * everything down and starts over after a jittered backoff (the new session gets new
 * subscriptions). node-opcua's own reconnection is off so one loop owns the retries. `down` is
 * called once per outage.
 */
export function opcuaLink(
  cfg: OpcuaDeviceConfig,
  ctx: ActorContext,
  setup: (session: ClientSession, lost: (reason: string) => void) => Promise<void>,
  down: (reason: string) => void,
): Link<OpcuaConnection> {
  /** A session lost with its connection: the server may still hold it (and its subscription). */
  let orphan: ClientSession | undefined;
  const connector: Connector<OpcuaConnection> = {
    async open(lost, signal) {
      let pki: Pki | undefined;
      let client: OPCUAClient | undefined;
      let session: ClientSession | undefined;
      let stage: "connect" | "subscribe" = "connect";
      try {
        pki = await openPki(cfg);
        client = createClient(cfg, pki, ctx.gateway);
        client.on(
          "close",
          (err?: Error | null) => lost(`connection lost: ${err?.message ?? "closed"}`),
        );
        // The first start makes the application certificate (an RSA key): not part of the
        // connect timeout below, which is for the server.
        await unlessAborted(client.createDefaultCertificate(), signal, stopping);
        // A server that accepts the socket and then says nothing must not hold the loop.
        await unlessAborted(
          withTimeout(client.connect(cfg.endpoint), cfg.timeout_ms),
          signal,
          stopping,
        );
        await unlessAborted(closeOrphan(client), signal, stopping);
        session = await unlessAborted(client.createSession(identity(cfg)), signal, stopping);
        session.on("keepalive_failure", () => lost("connection lost: session keep-alive failed"));
        session.on("session_closed", () => lost("connection lost: session closed by the server"));
        if (pki.trustingFirst) {
          ctx.log("warn", "trusted the server's certificate on first use", {
            endpoint: cfg.endpoint,
            trusted: `${pki.root}/trusted/certs`,
          });
        }
        stage = "subscribe";
        await unlessAborted(setup(session, lost), signal, stopping);
        return { client, session, pki };
      } catch (err) {
        const reason = describe(err, cfg, pki, stage);
        if (client) await closeClient(client, session, signal.aborted);
        await pki?.manager.dispose();
        throw new Error(reason);
      }
    },
    async close({ client, session, pki }, stopping) {
      if (!stopping) {
        // Keep the session to close it on the server over the next connection.
        orphan = session;
        session.removeAllListeners("keepalive_failure");
        session.removeAllListeners("session_closed");
        (session as unknown as { stopKeepAliveManager?(): void }).stopKeepAliveManager?.();
      }
      await closeClient(client, session, stopping);
      await pki.manager.dispose();
    },
  };

  /**
   * Takes the session lost with the last connection over to this one and closes it, so the
   * server frees it and its monitored items now rather than when it times out (a PLC allows few
   * sessions). A server that restarted has forgotten it: nothing to do.
   */
  async function closeOrphan(client: OPCUAClient): Promise<void> {
    const lostSession = orphan;
    orphan = undefined;
    if (!lostSession) return;
    try {
      await withTimeout(client.reactivateSession(lostSession), cfg.timeout_ms);
      await withTimeout(lostSession.close(true), cfg.timeout_ms);
      ctx.log("info", "closed the session lost with the connection", { endpoint: cfg.endpoint });
    } catch {
      // The server no longer has it; stop what the library would still try with it.
      (lostSession as unknown as { _terminatePublishEngine?(): void })._terminatePublishEngine?.();
    }
  }

  /** Closes the session when stopping (a lost one is gone anyway), then the client. */
  async function closeClient(
    client: OPCUAClient,
    session: ClientSession | undefined,
    stopping: boolean,
  ): Promise<void> {
    client.removeAllListeners("close");
    // At shutdown closing is a courtesy to the server, bounded so the drain deadline holds.
    const limit = stopping ? Math.min(cfg.timeout_ms, STOP_CLOSE_MS) : cfg.timeout_ms;
    if (session && stopping) await withTimeout(session.close(true), limit).catch(() => {});
    await withTimeout(client.disconnect(), limit).catch(() => {});
  }

  return new Link(ctx, connector, {
    initialMs: cfg.reconnect.initial_ms,
    maxMs: cfg.reconnect.max_ms,
  }, {
    down(reason) {
      ctx.log("warn", "OPC UA connection down", { reason });
      down(reason);
    },
  });
}

function createClient(cfg: OpcuaDeviceConfig, pki: Pki, gateway: string): OPCUAClient {
  return OPCUAClient.create({
    // One application per gateway: devices sharing a PKI folder share its certificate, whose
    // URI (urn:<host>:<name>) servers compare with the one the client announces.
    applicationName: gateway,
    endpointMustExist: false,
    securityMode: MessageSecurityMode[cfg.security_mode],
    securityPolicy: SecurityPolicy[cfg.security_policy],
    clientCertificateManager: pki.manager,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 1000 },
    // A lost session stays usable, so the next connection can close it on the server.
    keepPendingSessionsOnDisconnect: true,
    keepSessionAlive: true,
    keepAliveInterval: Math.max(1000, Math.min(10_000, cfg.timeout_ms)),
    requestedSessionTimeout: 60_000,
    defaultTransactionTimeout: cfg.timeout_ms,
  });
}

/** A step of connecting cut short: the gateway stops and does not wait for the server. */
const stopping = () => new Error("stopping");

/** How long each step of closing may take when the gateway stops. */
const STOP_CLOSE_MS = 2000;

/** Resolves or rejects with `p`, or rejects after ms. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Error(`timed out after ${ms} ms`);
  return Promise.race([
    p,
    new Promise<T>((_, reject) => timer = setTimeout(() => reject(late), ms)),
  ]).finally(() => clearTimeout(timer));
}
