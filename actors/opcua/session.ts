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
import { type ActorContext, Backoff, sleepUnlessAborted } from "../../src/runtime/kit.ts";
import { isUntrusted, openPki, type Pki, untrustedAdvice } from "./pki.ts";

/** What the device does with a session: set up on connect, told when it is gone. */
export interface SessionHooks {
  /** Called with each new session; it may throw to drop the connection and retry. */
  up(session: ClientSession, lost: (reason: string) => void): Promise<void>;
  /** Called once per outage (including a failed first attempt), with why. */
  down(reason: string): void;
}

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

/**
 * Keeps one client and session to an OPC UA server: connects, hands the session to the device,
 * and on any loss tears everything down and starts over after a jittered backoff (the new session
 * gets new subscriptions). node-opcua's own reconnection is off so one loop owns the retries.
 */
export class OpcuaLink {
  session: ClientSession | undefined;
  reason = "connecting";
  /** A session lost with its connection: the server may still hold it (and its subscription). */
  #orphan: ClientSession | undefined;
  #attempted!: () => void;
  /** Resolves once the first connection attempt succeeded or failed. */
  readonly firstAttempt = new Promise<void>((resolve) => this.#attempted = resolve);
  readonly #backoff: Backoff;

  constructor(
    private readonly cfg: OpcuaDeviceConfig,
    private readonly ctx: ActorContext,
    private readonly hooks: SessionHooks,
  ) {
    this.#backoff = new Backoff({
      initialMs: cfg.reconnect.initial_ms,
      maxMs: cfg.reconnect.max_ms,
    });
  }

  /** Connects and reconnects until the signal aborts; then closes the session and client. */
  async run(signal: AbortSignal): Promise<void> {
    let connected = false;
    while (!signal.aborted) {
      let pki: Pki | undefined;
      let client: OPCUAClient | undefined;
      let stage: "connect" | "subscribe" = "connect";
      let wake = () => {};
      const ended = new Promise<void>((resolve) => wake = resolve);
      signal.addEventListener("abort", wake, { once: true });
      let current: ClientSession | undefined;
      const lost = (reason: string) => {
        // Only this attempt's session counts: an orphan's late events must not end the next one.
        if (signal.aborted || current === undefined || this.session !== current) return;
        this.reason = reason;
        this.#orphan = current;
        current.removeAllListeners("keepalive_failure");
        current.removeAllListeners("session_closed");
        (current as unknown as { stopKeepAliveManager?(): void }).stopKeepAliveManager?.();
        this.session = undefined;
        wake();
      };
      try {
        pki = await openPki(this.cfg);
        client = this.#client(pki);
        client.on(
          "close",
          (err?: Error | null) => lost(`connection lost: ${err?.message ?? "closed"}`),
        );
        // The first start makes the application certificate (an RSA key): not part of the
        // connect timeout below, which is for the server.
        await unlessAborted(client.createDefaultCertificate(), signal);
        if (signal.aborted) break;
        // A server that accepts the socket and then says nothing must not hold the loop.
        await unlessAborted(
          withTimeout(client.connect(this.cfg.endpoint), this.cfg.timeout_ms),
          signal,
        );
        if (signal.aborted) break;
        await unlessAborted(this.#closeOrphan(client), signal);
        const session = await unlessAborted(client.createSession(identity(this.cfg)), signal);
        if (!session) break;
        session.on("keepalive_failure", () => lost("connection lost: session keep-alive failed"));
        session.on("session_closed", () => lost("connection lost: session closed by the server"));
        this.session = current = session;
        if (pki.trustingFirst) {
          this.ctx.log("warn", "trusted the server's certificate on first use", {
            endpoint: this.cfg.endpoint,
            trusted: `${pki.root}/trusted/certs`,
          });
        }
        stage = "subscribe";
        await unlessAborted(this.hooks.up(session, lost), signal);
        if (signal.aborted) break;
        this.#backoff.reset();
        connected = true;
        this.ctx.setState("running");
        this.#attempted();
        await ended;
      } catch (err) {
        if (signal.aborted) break;
        this.reason = describe(err, this.cfg, pki, stage);
        this.ctx.counters.errors++;
      } finally {
        signal.removeEventListener("abort", wake);
        const session = this.session;
        this.session = undefined;
        if (client) await this.#close(client, session, signal.aborted);
        await pki?.manager.dispose();
      }
      if (signal.aborted) break;
      if (connected) this.ctx.counters.reconnects = (this.ctx.counters.reconnects ?? 0) + 1;
      this.ctx.setState("degraded", this.reason);
      this.ctx.log("warn", "OPC UA connection down", { reason: this.reason });
      this.hooks.down(this.reason);
      this.#attempted();
      await sleepUnlessAborted(this.#backoff.next(), signal);
    }
    this.#attempted();
  }

  #client(pki: Pki): OPCUAClient {
    const cfg = this.cfg;
    return OPCUAClient.create({
      // One application per gateway: devices sharing a PKI folder share its certificate, whose
      // URI (urn:<host>:<name>) servers compare with the one the client announces.
      applicationName: this.ctx.gateway,
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

  /**
   * Takes the session lost with the last connection over to this one and closes it, so the
   * server frees it and its monitored items now rather than when it times out (a PLC allows few
   * sessions). A server that restarted has forgotten it: nothing to do.
   */
  async #closeOrphan(client: OPCUAClient): Promise<void> {
    const orphan = this.#orphan;
    this.#orphan = undefined;
    if (!orphan) return;
    try {
      await withTimeout(client.reactivateSession(orphan), this.cfg.timeout_ms);
      await withTimeout(orphan.close(true), this.cfg.timeout_ms);
      this.ctx.log("info", "closed the session lost with the connection", {
        endpoint: this.cfg.endpoint,
      });
    } catch {
      // The server no longer has it; stop what the library would still try with it.
      (orphan as unknown as { _terminatePublishEngine?(): void })._terminatePublishEngine?.();
    }
  }

  /** Closes the session when stopping (a lost one is gone anyway), then the client. */
  async #close(client: OPCUAClient, session: ClientSession | undefined, stopping: boolean) {
    client.removeAllListeners("close");
    // At shutdown closing is a courtesy to the server, bounded so the drain deadline holds.
    const limit = stopping ? Math.min(this.cfg.timeout_ms, STOP_CLOSE_MS) : this.cfg.timeout_ms;
    if (session && stopping) await withTimeout(session.close(true), limit).catch(() => {});
    await withTimeout(client.disconnect(), limit).catch(() => {});
  }
}

/** How long each step of closing may take when the gateway stops. */
const STOP_CLOSE_MS = 2000;

/**
 * Settles as `p` does, or resolves with undefined as soon as the signal aborts (a later failure
 * of `p` is then ignored): stopping does not wait for a server that does not answer.
 */
function unlessAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => {});
      resolve(undefined);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Resolves or rejects with `p`, or rejects after ms. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Error(`timed out after ${ms} ms`);
  return Promise.race([
    p,
    new Promise<T>((_, reject) => timer = setTimeout(() => reject(late), ms)),
  ]).finally(() => clearTimeout(timer));
}
