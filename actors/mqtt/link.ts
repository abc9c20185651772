import { Buffer } from "node:buffer";
import mqtt, { type MqttClient } from "mqtt";
import type { MqttSinkConfig } from "./config.ts";
import {
  type ActorContext,
  type Connector,
  Link,
  noDebugLog,
  noDelay,
  safeUrl,
  type TlsOptions,
  tlsOptions,
} from "../../src/runtime/kit.ts";

/** True when the sink needs MQTT 5 (commands, message expiry, user properties). */
export function usesMqtt5(cfg: MqttSinkConfig): boolean {
  return !!(cfg.commands || cfg.message_expiry_s || cfg.user_properties);
}

/** The gateway's status topic, `{gateway}` filled in. */
function statusTopic(cfg: MqttSinkConfig & { gateway: string }): string {
  return cfg.status_topic!.replaceAll("{gateway}", cfg.gateway);
}

/** Publishes the retained status (online, or offline with why) when the sink has a status topic. */
function publishStatus(
  client: MqttClient,
  cfg: MqttSinkConfig & { client_id: string; gateway: string },
  status: { state: "online" } | { state: "offline"; reason: string },
): Promise<unknown> {
  if (!cfg.status_topic) return Promise.resolve();
  const payload = JSON.stringify({ ...status, ts: Date.now() });
  return client.publishAsync(statusTopic(cfg), payload, { qos: 1, retain: true });
}

/** Opens one MQTT connection; rejects on the first error instead of retrying. */
function connectOnce(
  cfg: MqttSinkConfig & { client_id: string; gateway: string },
  tls: TlsOptions,
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(cfg.url, {
      ...tls,
      log: noDebugLog,
      clientId: cfg.client_id,
      username: cfg.username || undefined,
      password: cfg.password || undefined,
      reconnectPeriod: 0,
      connectTimeout: cfg.connect_timeout_ms,
      keepalive: cfg.keepalive_s,
      // A ping every keepalive interval, not a new timer for every ack (thousands a second).
      reschedulePings: false,
      clean: true,
      // MQTT 5 carries a command's response topic and correlation data, expiry, user properties.
      protocolVersion: usesMqtt5(cfg) ? 5 : 4,
      ...(cfg.status_topic
        ? {
          will: {
            topic: statusTopic(cfg),
            payload: Buffer.from(JSON.stringify({ state: "offline", reason: "connection lost" })),
            qos: 1 as const,
            retain: true,
          },
        }
        : {}),
    });
    const fail = (err: Error) => {
      client.removeAllListeners();
      client.on("error", () => {});
      client.end(true);
      reject(err);
    };
    client.once("connect", () => {
      noDelay(client);
      client.removeAllListeners("close");
      client.removeAllListeners("error");
      client.on("error", () => {/* surfaced through "close" */});
      resolve(client);
    });
    client.once("error", fail);
    client.once("close", () => fail(new Error("connection closed")));
  });
}

/** A connection to the broker and a signal that aborts when it closes (publishes wait on it). */
export interface BrokerConnection {
  client: MqttClient;
  closed: AbortSignal;
}

/** Keeps a connection to the broker, reconnecting with jittered backoff; reports sink health. */
export function mqttLink(
  cfg: MqttSinkConfig & { client_id: string; gateway: string },
  ctx: ActorContext,
  up?: (conn: BrokerConnection) => void,
): Link<BrokerConnection> {
  let tls: TlsOptions | undefined;
  const connector: Connector<BrokerConnection> = {
    async open(lost) {
      let client;
      try {
        client = await connectOnce(cfg, tls ??= await tlsOptions(cfg.tls));
      } catch (err) {
        throw new Error(`Cannot connect to ${safeUrl(cfg.url)}: ${(err as Error).message}`);
      }
      const closing = new AbortController();
      client.once("close", () => {
        closing.abort();
        lost("connection lost");
      });
      return { client, closed: closing.signal };
    },
    async close({ client }, stopping) {
      if (stopping) {
        await publishStatus(client, cfg, { state: "offline", reason: "stopped" }).catch(() => {});
        await client.endAsync();
      } else client.end(true);
    },
  };
  return new Link(ctx, connector, {
    initialMs: cfg.reconnect.initial_ms,
    maxMs: cfg.reconnect.max_ms,
  }, {
    up: (conn) => {
      publishStatus(conn.client, cfg, { state: "online" }).catch(() => {});
      up?.(conn);
    },
  });
}
