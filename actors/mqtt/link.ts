import mqtt, { type MqttClient } from "mqtt";
import type { MqttSinkConfig } from "./config.ts";
import {
  type ActorContext,
  type Connector,
  Link,
  safeUrl,
  type TlsOptions,
  tlsOptions,
} from "../../src/runtime/kit.ts";

/** Opens one MQTT connection; rejects on the first error instead of retrying. */
function connectOnce(
  cfg: MqttSinkConfig & { client_id: string },
  tls: TlsOptions,
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(cfg.url, {
      ...tls,
      clientId: cfg.client_id,
      username: cfg.username || undefined,
      password: cfg.password || undefined,
      reconnectPeriod: 0,
      connectTimeout: cfg.connect_timeout_ms,
      keepalive: cfg.keepalive_s,
      clean: true,
      // MQTT 5 carries a command's response topic and correlation data.
      protocolVersion: cfg.commands ? 5 : 4,
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

/** A connection to the broker and a promise that rejects when it closes (race publishes with it). */
export interface BrokerConnection {
  client: MqttClient;
  closed: Promise<never>;
}

/** Keeps a connection to the broker, reconnecting with jittered backoff; reports sink health. */
export function mqttLink(
  cfg: MqttSinkConfig & { client_id: string },
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
      const closed = new Promise<never>((_, reject) =>
        client.once("close", () => reject(new Error("connection closed")))
      );
      closed.catch(() => {});
      client.once("close", () => lost("connection lost"));
      return { client, closed };
    },
    async close({ client }, stopping) {
      if (stopping) await client.endAsync();
      else client.end(true);
    },
  };
  return new Link(ctx, connector, {
    initialMs: cfg.reconnect.initial_ms,
    maxMs: cfg.reconnect.max_ms,
  }, { up });
}
