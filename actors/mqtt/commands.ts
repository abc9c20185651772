import type { IPublishPacket, MqttClient } from "mqtt";
import type { ActorContext, TagCatalog } from "../../src/runtime/kit.ts";
import type { MqttSinkConfig } from "./config.ts";

type CommandsConfig = NonNullable<MqttSinkConfig["commands"]>;

/** The tag a command topic writes. */
interface Target {
  device: string;
  tag: string;
  path: string;
}

/** The value a command payload carries: `{"value": …}`, a bare JSON value, or else its text. */
export function commandValue(payload: Uint8Array): { value: unknown } | { error: string } {
  const text = new TextDecoder().decode(payload).trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.length > 0 ? { value: text } : { error: "the payload is empty" };
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    return "value" in parsed
      ? { value: (parsed as { value: unknown }).value }
      : { error: 'expected {"value": …} or a bare value' };
  }
  return { value: parsed };
}

/**
 * The MQTT sink's command topics: one per writable tag routed to the sink (`commands.topic` with
 * the tag's UNS path, after `topic_prefix`), subscribed on every connection and as new tags are
 * registered. A command goes through the gateway's guarded path (ctx.submit: writable check, rate
 * limits, audit); the answer `{ok, written, readback, status, reason}` goes to the request's MQTT 5
 * response topic with its correlation data, else to `commands.result_topic`.
 */
export class CommandTopics {
  #byTopic = new Map<string, Target>();
  #seen = -1;
  #client: MqttClient | undefined;

  constructor(
    private readonly cfg: CommandsConfig & { topic_prefix: string },
    private readonly ctx: ActorContext,
    private readonly tags: TagCatalog,
  ) {}

  /** A new connection: subscribe every command topic on it and take its messages. */
  attach(client: MqttClient): void {
    this.#client = client;
    client.on("message", (topic, payload, packet) => {
      const target = this.#byTopic.get(topic);
      if (target) void this.#handle(client, target, payload, packet);
    });
    this.#seen = -1;
    this.refresh(true);
  }

  /** Subscribes the command topics of writable tags registered since the last look. */
  refresh(all = false): void {
    if (this.tags.version === this.#seen) return;
    this.#seen = this.tags.version;
    const fresh: string[] = [];
    for (const frame of this.tags.frames()) {
      for (const meta of frame.tags) {
        if (!meta?.writable) continue;
        const topic = this.#topic(this.cfg.topic, meta.path);
        if (this.#byTopic.has(topic) && !all) continue;
        this.#byTopic.set(topic, { device: meta.device, tag: meta.name, path: meta.path });
        fresh.push(topic);
      }
    }
    if (fresh.length === 0 || !this.#client) return;
    this.#client.subscribeAsync(fresh, { qos: 1, nl: true }).catch((err) => {
      this.ctx.counters.errors++;
      this.ctx.log("warn", "Cannot subscribe the command topics", {
        error: (err as Error).message,
      });
    });
  }

  async #handle(client: MqttClient, target: Target, payload: Uint8Array, packet: IPublishPacket) {
    const c = this.ctx.counters;
    c.commands_in = (c.commands_in ?? 0) + 1;
    const parsed = commandValue(payload);
    const where = `${target.device}.${target.tag}`;
    const outcome = "error" in parsed
      ? {
        ok: false as const,
        refusal: "bad_value",
        message: `Cannot write ${where}: ${parsed.error}`,
      }
      : await this.ctx.submit({
        channel: "mqtt",
        caller: `mqtt:${this.ctx.id}`,
        device: target.device,
        tag: target.tag,
        value: parsed.value,
      });
    if (!outcome.ok) c.commands_refused = (c.commands_refused ?? 0) + 1;
    const answer = outcome.ok
      ? { ok: true, written: outcome.written, readback: outcome.readback, status: outcome.status }
      : { ok: false, status: outcome.refusal, reason: outcome.message };
    const props = packet.properties;
    const topic = props?.responseTopic ?? this.#topic(this.cfg.result_topic, target.path);
    const properties = props?.correlationData ? { correlationData: props.correlationData } : {};
    await client.publishAsync(topic, JSON.stringify(answer), { qos: 1, properties }).catch(
      (err) => {
        c.errors++;
        this.ctx.log("warn", "Cannot publish a command's answer", {
          topic,
          error: (err as Error).message,
        });
      },
    );
  }

  #topic(template: string, path: string): string {
    return this.cfg.topic_prefix + template.replaceAll("{path}", path);
  }
}
