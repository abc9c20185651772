import { Buffer } from "node:buffer";
import mqtt, { type MqttClient } from "mqtt";
import type { ActorContext } from "../../src/runtime/kit.ts";
import {
  type Connector,
  Link,
  noDebugLog,
  noDelay,
  safeUrl,
  type TlsOptions,
  tlsOptions,
  untilWoken,
} from "../../src/runtime/kit.ts";
import type { BdSeqFile } from "./bdseq.ts";
import type { SparkplugSinkConfig } from "./config.ts";
import { dbirth, nbirth, ndeath } from "./messages.ts";
import type { NodeMetrics } from "./node_metrics.ts";
import { encodePayload, type Payload } from "./proto.ts";
import { DdataStream } from "./ddata.ts";
import { hostState } from "./host_state.ts";

/** A payload's bytes as the Buffer mqtt.js takes, without a copy. */
const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** A message made, ready for the client. */
interface Outgoing {
  topic: string;
  bytes: Buffer;
  qos: 0 | 1 | 2;
}

/** Message types this node publishes. */
export type NodeMessage = "NBIRTH" | "DBIRTH" | "DDATA" | "DDEATH";

/** Messages of one born session going out in one socket write (see EdgeSession.run). */
export interface MessageRun {
  /** Sends a payload, or the open payload of a DDATA stream (ended here with its seq). */
  send(type: NodeMessage, device: string, payload: Payload | DdataStream): void;
  end(): Promise<void>;
  abort(): void;
}

/** What the node hands commands and host news to. */
export interface SessionHooks {
  /** An NCMD or DCMD arrived (device undefined: NCMD). */
  command(device: string | undefined, payload: Uint8Array): void;
  /** After the node's births: the devices found dead meanwhile are declared so. */
  born(): void;
}

interface Connection {
  client: MqttClient;
  bdSeq: number;
  /** Ended on purpose, its NDEATH written: closed after what it wrote, not destroyed under it. */
  leaving?: boolean;
}

/**
 * One Sparkplug B edge node session after another on the broker. Each MQTT connection gets a new
 * bdSeq (from the file, so never one a host saw before) and registers the NDEATH carrying it as
 * its will. The node is born (NBIRTH with seq 0, then a DBIRTH per device) at once, or, with a
 * primary host, when that host's STATE says online; a host going offline ends the session with
 * an NDEATH. Every message after the NBIRTH takes the next seq, 0–255 wrapping.
 */
export class EdgeSession {
  readonly link: Link<Connection>;
  #seq = 0;
  #born: Connection | undefined;
  #hostOnline = false;
  #hostSeen = -Infinity;
  #lastBirth = -Infinity;
  #rebirthTimer: ReturnType<typeof setTimeout> | undefined;
  #waiters: (() => void)[] = [];
  #births = new Map<number, number>();
  #tls: TlsOptions | undefined;
  /** Devices born in this session, with how many metrics their DBIRTH named. */
  #bornDevices = new Map<string, number>();
  #linkState: { state: "running" | "degraded"; reason?: string } = {
    state: "degraded",
    reason: "connecting",
  };

  constructor(
    private readonly cfg: SparkplugSinkConfig & { client_id: string; edge_node_id: string },
    private readonly ctx: ActorContext,
    private readonly metrics: NodeMetrics,
    private readonly bdSeqFile: BdSeqFile,
    private readonly hooks: SessionHooks,
  ) {
    const connector: Connector<Connection> = {
      open: (lost) => this.#open(lost),
      close: async (conn, stopping) => {
        if (this.#born === conn) this.#born = undefined;
        clearTimeout(this.#rebirthTimer);
        if (stopping) {
          // Leaving on purpose: say so (the will is only sent for an unexpected loss).
          await this.#send(conn, "NDEATH", undefined, ndeath(conn.bdSeq, Date.now())).catch(
            () => {},
          );
          await conn.client.endAsync();
        } else if (conn.leaving) await this.#leave(conn.client);
        else conn.client.end(true);
      },
    };
    const state = {
      counters: ctx.counters,
      setState: (s: "running" | "degraded", reason?: string) => {
        this.#linkState = { state: s, reason };
        this.#report();
      },
    };
    this.link = new Link(state, connector, {
      initialMs: cfg.reconnect.initial_ms,
      maxMs: cfg.reconnect.max_ms,
    }, {
      // Born once the connection is up (with a primary host: once its STATE says online).
      up: (conn) => {
        if (this.#hostOnline) this.#birth(conn);
      },
    });
  }

  topic(type: string, device?: string): string {
    const base = `spBv1.0/${this.cfg.group_id}/${type}/${this.cfg.edge_node_id}`;
    return device === undefined ? base : `${base}/${device}`;
  }

  /** True while the node is born on a live connection: data may go out. */
  get born(): boolean {
    return this.#born !== undefined && this.#born === this.link.current;
  }

  /** Resolves once the node is born (at once when it is), or when the signal aborts. */
  async ready(signal: AbortSignal): Promise<void> {
    while (!this.born && !signal.aborted) await untilWoken(this.#waiters, signal);
  }

  /** The time of a metric's value in the current births (older samples are historical). */
  birthTime(alias: number): number {
    return this.#births.get(alias) ?? -Infinity;
  }

  /**
   * Publishes a message of the born session, taking the next seq; throws at once when the node is
   * not born (nothing sent). Resolves when the client wrote it (QoS 0) or the broker took it.
   */
  publish(type: NodeMessage, device: string, payload: Payload): Promise<void> {
    const conn = this.#born;
    if (!conn || conn !== this.link.current) throw new Error("the edge node is not born");
    return this.#send(conn, type, device, payload);
  }

  /**
   * Opens a run of messages of the born session: each is sent as it is made (its payload's objects
   * die young), in order, in one socket write that `end` lets go. Throws at once, sending nothing,
   * when the node is not born. `end` resolves once the last is written (QoS 0: then so are the ones
   * before) or, at QoS 1, once the broker took them all; `abort` (a message could not be made)
   * lets go of those made so far without waiting for them.
   */
  run(): MessageRun {
    const conn = this.#born;
    if (!conn || conn !== this.link.current) throw new Error("the edge node is not born");
    const stream = conn.client.stream as unknown as { cork?(): void; uncork?(): void };
    stream.cork?.();
    const acks: Promise<void>[] = [];
    // Each message is made (seq and bytes) when sent; the latest waits for the next one or the
    // end to be handed to the client: at QoS 0 only the last is tracked.
    let held: Outgoing | undefined;
    const release = (last: boolean) => {
      if (!held) return;
      const sent = this.#publish(conn, held, this.cfg.qos > 0 || last);
      held = undefined;
      if (sent) acks.push(sent);
    };
    let open = true;
    const close = () => {
      if (open) stream.uncork?.();
      open = false;
    };
    return {
      send: (type, device, payload) => {
        release(false);
        held = this.#make(type, device, payload);
      },
      end: () => {
        try {
          release(true);
        } finally {
          close();
        }
        return Promise.all(acks).then(() => {});
      },
      abort: () => {
        release(false); // made means sent: a DBIRTH made has already marked its device born
        close();
      },
    };
  }

  /** True when a device has no DBIRTH in this session, or has metrics its DBIRTH did not name. */
  needsBirth(device: string): boolean {
    return (this.#bornDevices.get(device) ?? -1) < this.metrics.metricsOf(device).length;
  }

  /** A DBIRTH of one device with its metrics' latest values; remembers their times. */
  deviceBirth(device: string, now = Date.now()): Promise<void> {
    return this.publish("DBIRTH", device, this.deviceBirthPayload(device, now));
  }

  /** The DBIRTH payload of a device, noting it born and its metrics' birth times. */
  deviceBirthPayload(device: string, now = Date.now()): Payload {
    this.#bornDevices.set(device, this.metrics.metricsOf(device).length);
    const { payload, births } = dbirth(
      this.metrics.metricsOf(device),
      (a) => this.metrics.latest(a),
      now,
    );
    for (const [alias, ts] of births) this.#births.set(alias, ts);
    return payload;
  }

  /** Asks for new births with the same bdSeq, at most once per rebirth_min_interval_ms. */
  rebirth(why: string): void {
    if (!this.born || this.#rebirthTimer !== undefined) return;
    const wait = this.#lastBirth + this.cfg.rebirth_min_interval_ms - Date.now();
    this.ctx.log("info", "rebirth requested", { why, in_ms: Math.max(0, wait) });
    this.#rebirthTimer = setTimeout(() => {
      this.#rebirthTimer = undefined;
      const conn = this.#born;
      if (conn && conn === this.link.current) this.#birth(conn);
    }, Math.max(0, wait));
  }

  /**
   * Closes a client after the messages it has written: mqtt.js counts a QoS 0 message sent once it
   * is in the socket's buffer, which Deno hands to the OS on a later turn, so destroying the socket
   * now would lose the NDEATH and any DDATA just taken off the disk buffer. A DISCONNECT follows
   * them (the broker then drops the will: the NDEATH went already); after connect_timeout_ms the
   * socket is destroyed all the same.
   */
  async #leave(client: MqttClient): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.cfg.connect_timeout_ms);
    });
    const ended = client.endAsync(false).then(() => false, () => false);
    if (await Promise.race([ended, late])) client.stream?.destroy();
    clearTimeout(timer);
  }

  #report(): void {
    const { state, reason } = this.#linkState;
    if (state === "running" && this.cfg.primary_host_id && !this.#hostOnline) {
      this.ctx.setState(
        "degraded",
        `primary host ${this.cfg.primary_host_id} is offline: data waits in the buffer`,
      );
    } else this.ctx.setState(state, reason);
  }

  async #open(lost: (reason: string) => void): Promise<Connection> {
    this.#tls ??= await tlsOptions(this.cfg.tls);
    const tls = this.#tls;
    const bdSeq = await this.bdSeqFile.next();
    const client = await new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(this.cfg.url, {
        ...tls,
        log: noDebugLog,
        clientId: this.cfg.client_id,
        username: this.cfg.username || undefined,
        password: this.cfg.password || undefined,
        reconnectPeriod: 0,
        connectTimeout: this.cfg.connect_timeout_ms,
        keepalive: this.cfg.keepalive_s,
        clean: true,
        will: {
          topic: this.topic("NDEATH"),
          payload: Buffer.from(encodePayload(ndeath(bdSeq, Date.now()))),
          qos: 1,
          retain: false,
        },
      });
      const fail = (err: Error) => {
        c.removeAllListeners();
        c.on("error", () => {});
        c.end(true);
        reject(new Error(`Cannot connect to ${safeUrl(this.cfg.url)}: ${err.message}`));
      };
      c.once("connect", () => {
        noDelay(c);
        c.removeAllListeners("close");
        c.removeAllListeners("error");
        c.on("error", () => {/* surfaced through "close" */});
        resolve(c);
      });
      c.once("error", fail);
      c.once("close", () => fail(new Error("connection closed")));
    });
    const conn: Connection = { client, bdSeq };
    client.once("close", () => lost("connection lost"));
    this.#hostOnline = !this.cfg.primary_host_id;
    client.on("message", (topic, payload) => this.#message(conn, topic, payload));
    const subscriptions = [this.topic("NCMD")];
    if (this.cfg.commands) subscriptions.push(`${this.topic("DCMD")}/+`);
    if (this.cfg.primary_host_id) subscriptions.push(`spBv1.0/STATE/${this.cfg.primary_host_id}`);
    try {
      await client.subscribeAsync(subscriptions, { qos: 1 });
    } catch (err) {
      client.end(true);
      throw new Error(`Cannot subscribe on ${safeUrl(this.cfg.url)}: ${(err as Error).message}`);
    }
    this.ctx.log("info", "edge node connected", { bd_seq: bdSeq, node: this.topic("NBIRTH") });
    return conn;
  }

  #message(conn: Connection, topic: string, payload: Uint8Array): void {
    // The host's retained STATE may come before the link holds the connection.
    if (topic.startsWith("spBv1.0/STATE/")) return this.#state(conn, payload);
    if (conn !== this.link.current) return;
    const levels = topic.split("/");
    if (levels[2] === "NCMD") this.hooks.command(undefined, payload);
    else if (levels[2] === "DCMD" && levels.length === 5) this.hooks.command(levels[4], payload);
  }

  #state(conn: Connection, payload: Uint8Array): void {
    const news = hostState(payload);
    if (!news) {
      this.ctx.counters.errors++;
      this.ctx.log("warn", "STATE message not understood", { host: this.cfg.primary_host_id });
      return;
    }
    if (news.timestamp !== undefined) {
      if (news.timestamp < this.#hostSeen) return; // an older message than one already seen
      this.#hostSeen = news.timestamp;
    }
    const was = this.#hostOnline;
    this.#hostOnline = news.online;
    this.ctx.log("info", `primary host ${news.online ? "online" : "offline"}`, {
      host: this.cfg.primary_host_id,
    });
    if (conn !== this.link.current) return; // not up yet: the link's up hook births it
    if (news.online && !this.born) this.#birth(conn);
    else if (!news.online && was && this.born) {
      // The specification's rule: end the session, and wait for the host on a new one.
      this.#born = undefined;
      conn.leaving = true;
      this.#send(conn, "NDEATH", undefined, ndeath(conn.bdSeq, Date.now())).catch(() => {});
      this.link.lost(`primary host ${this.cfg.primary_host_id} went offline`);
    }
    this.#report();
  }

  #birth(conn: Connection): void {
    const now = Date.now();
    this.metrics.refresh();
    this.#seq = 0;
    this.#born = conn;
    this.#lastBirth = now;
    this.#births.clear();
    this.#bornDevices.clear();
    this.#send(conn, "NBIRTH", undefined, nbirth(conn.bdSeq, now)).catch(() => {});
    for (const device of this.metrics.devices()) this.deviceBirth(device, now).catch(() => {});
    this.ctx.counters.births = (this.ctx.counters.births ?? 0) + 1;
    this.hooks.born();
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Publishes a message with the next seq; resolves once written (QoS 0) or taken (QoS 1). */
  #send(conn: Connection, type: string, device: string | undefined, payload: Payload) {
    return this.#publish(conn, this.#make(type, device, payload), true);
  }

  /** A message's topic, bytes and QoS; every type but NDEATH takes the next seq. */
  #make(type: string, device: string | undefined, payload: Payload | DdataStream): Outgoing {
    let seq: number | undefined;
    if (type !== "NDEATH") {
      seq = this.#seq;
      this.#seq = (this.#seq + 1) % 256;
    }
    this.ctx.counters.messages_out = (this.ctx.counters.messages_out ?? 0) + 1;
    const bytes = payload instanceof DdataStream
      ? payload.bytes(seq!)
      : encodePayload(seq === undefined ? payload : { ...payload, seq });
    return {
      topic: this.topic(type, device),
      bytes: asBuffer(bytes),
      qos: type === "NDEATH" ? 1 : this.cfg.qos,
    };
  }

  #publish(conn: Connection, out: Outgoing, track: true): Promise<void>;
  #publish(conn: Connection, out: Outgoing, track: boolean): Promise<void> | undefined;
  /** Hands a message to the client; `track: false` (QoS 0 only) skips the completion promise. */
  #publish(conn: Connection, out: Outgoing, track: boolean) {
    const options = { qos: out.qos, retain: false };
    if (!track) {
      conn.client.publish(out.topic, out.bytes, options);
      return undefined;
    }
    return conn.client.publishAsync(out.topic, out.bytes, options).then(() => {});
  }
}
