import mqtt, { type MqttClient } from "mqtt";
import type { MqttSinkConfig } from "./config.ts";
import { type ActorContext, Backoff, safeUrl, sleepUnlessAborted } from "../../src/runtime/kit.ts";

/** Opens one MQTT connection; rejects on the first error instead of retrying. */
function connectOnce(cfg: MqttSinkConfig & { client_id: string }): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(cfg.url, {
      clientId: cfg.client_id,
      username: cfg.username || undefined,
      password: cfg.password || undefined,
      reconnectPeriod: 0,
      connectTimeout: cfg.connect_timeout_ms,
      clean: true,
    });
    const fail = (err: Error) => {
      client.removeAllListeners();
      client.on("error", () => {});
      client.end(true);
      reject(err);
    };
    client.once("connect", () => {
      client.removeAllListeners("close");
      client.removeAllListeners("error");
      client.on("error", () => {/* surfaced through "close" */});
      resolve(client);
    });
    client.once("error", fail);
    client.once("close", () => fail(new Error("connection closed")));
  });
}

/** Keeps a connection to the broker, reconnecting with jittered backoff; reports sink health. */
export class MqttLink {
  client: MqttClient | undefined;
  /** Rejects when the current connection closes; race publishes against it. */
  closed: Promise<never> = new Promise(() => {});
  #waiters: (() => void)[] = [];
  #lost: (() => void) | undefined;
  readonly #backoff: Backoff;

  constructor(
    private readonly cfg: MqttSinkConfig & { client_id: string },
    private readonly ctx: ActorContext,
  ) {
    this.#backoff = new Backoff({
      initialMs: cfg.reconnect.initial_ms,
      maxMs: cfg.reconnect.max_ms,
    });
  }

  /** Connects and reconnects until the signal aborts; then disconnects cleanly. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const client = await connectOnce(this.cfg);
        this.client = client;
        this.closed = new Promise<never>((_, reject) =>
          client.once("close", () => reject(new Error("connection closed")))
        );
        this.closed.catch(() => {});
        this.#backoff.reset();
        this.ctx.setState("running");
        for (const wake of this.#waiters.splice(0)) wake();
        await new Promise<void>((resolve) => {
          this.#lost = resolve;
          client.once("close", resolve);
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        this.client = undefined;
        if (signal.aborted) {
          await client.endAsync();
          return;
        }
        client.end(true);
        this.ctx.counters.reconnects = (this.ctx.counters.reconnects ?? 0) + 1;
        this.ctx.setState("degraded", "connection lost");
      } catch (err) {
        this.ctx.counters.errors++;
        this.ctx.setState(
          "degraded",
          `Cannot connect to ${safeUrl(this.cfg.url)}: ${(err as Error).message}`,
        );
      }
      await sleepUnlessAborted(this.#backoff.next(), signal);
    }
  }

  /** Resolves with a connected client, waiting for the next connection if there is none. */
  async connected(): Promise<MqttClient> {
    while (!this.client) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.client;
  }

  /** Drops the current connection after a failed publish; run() reconnects. */
  lost(): void {
    this.#lost?.();
  }
}
