import { decodeRaw, messages, type RawMessage, scalar } from "./protoc.ts";
import { subscribe } from "./mosquitto.ts";
import { eventually } from "./net.ts";

/** A Sparkplug message as a subscriber saw it, decoded by protoc --decode_raw. */
export interface SpMessage {
  topic: string;
  /** NBIRTH, DBIRTH, DDATA, NDEATH… */
  type: string;
  device?: string;
  raw: RawMessage;
}

/** Payload fields (Sparkplug B specification): timestamp 1, metrics 2, seq 3. */
export const PAYLOAD = { timestamp: 1, metrics: 2, seq: 3 };
/** Metric fields: name 1, alias 2, timestamp 3, datatype 4, is_historical 5, is_null 7, properties 9, values 10–16. */
export const METRIC = {
  name: 1,
  alias: 2,
  timestamp: 3,
  datatype: 4,
  is_historical: 5,
  is_null: 7,
  properties: 9,
  int: 10,
  long: 11,
  float: 12,
  double: 13,
  bool: 14,
  string: 15,
};

/**
 * Watches `spBv1.0/<group>/#` with mosquitto_sub (payloads as hex) and decodes every message
 * with protoc: `all()` is what came so far, in order; `until` waits for a condition on it.
 */
export class SparkplugWatch {
  readonly #sub;
  readonly #decoded: SpMessage[] = [];
  #decoding = Promise.resolve();
  #taken = 0;

  constructor(
    readonly group: string,
    timeoutS = 120,
    broker: { port?: number; args?: string[] } = {},
  ) {
    this.#sub = subscribe(`spBv1.0/${group}/#`, 1_000_000, { timeoutS, hex: true, ...broker });
  }

  get ready(): Promise<void> {
    return this.#sub.ready;
  }

  /** Every message so far, decoded, in the order the broker sent them. */
  async all(): Promise<SpMessage[]> {
    const fresh = this.#sub.received.slice(this.#taken);
    this.#taken += fresh.length;
    this.#decoding = this.#decoding.then(async () => {
      for (const m of fresh) {
        const levels = m.topic.split("/");
        const bytes = Uint8Array.from(m.payload.match(/../g) ?? [], (h) => parseInt(h, 16));
        this.#decoded.push({
          topic: m.topic,
          type: levels[2],
          device: levels[4],
          raw: await decodeRaw(bytes),
        });
      }
    });
    await this.#decoding;
    return this.#decoded;
  }

  /** Waits until `test` returns something for the messages so far, and returns it. */
  until<T>(what: string, test: (all: SpMessage[]) => T | undefined, ms = 60_000): Promise<T> {
    return eventually(what, async () => test(await this.all()) ?? undefined, ms);
  }

  close(): void {
    this.#sub.close();
  }
}

/** The seq of a message (NDEATH has none: undefined). */
export function seqOf(m: SpMessage): number | undefined {
  const v = m.raw.get(PAYLOAD.seq);
  return v ? Number(v[0]) : undefined;
}

/** The metrics of a message. */
export function metricsOf(m: SpMessage): RawMessage[] {
  return messages(m.raw, PAYLOAD.metrics);
}

/** A metric's field as printed, or undefined when absent. */
export function field(metric: RawMessage, n: number): string | undefined {
  const v = metric.get(n);
  return v && typeof v[0] === "string" ? v[0] : undefined;
}

/** The bdSeq of an NBIRTH or NDEATH (the metric named bdSeq, an Int64 in long_value). */
export function bdSeqOf(m: SpMessage): number {
  const metric = metricsOf(m).find((x) => field(x, METRIC.name) === "bdSeq");
  if (!metric) throw new Error(`${m.topic}: no bdSeq metric`);
  return Number(scalar(metric, METRIC.long));
}

/** A metric's properties as key → the printed value of its PropertyValue (fields 3–8). */
export function propertiesOf(metric: RawMessage): Record<string, string> {
  const set = metric.get(METRIC.properties)?.[0];
  if (!set || typeof set === "string") return {};
  const keys = (set.get(1) ?? []) as string[];
  const values = messages(set, 2);
  return Object.fromEntries(keys.map((k, i) => {
    const v = values[i];
    const printed = [3, 4, 5, 6, 7, 8].map((f) => v.get(f)?.[0]).find((x) => x !== undefined);
    return [k, typeof printed === "string" ? printed : ""];
  }));
}
