/** A message as the MQTT source keeps it in its disk buffer: as received, mapped on the way out. */
export interface KeptMessage {
  topic: string;
  payload: Uint8Array;
  /** When it arrived (ms): the samples' time when the mapping reads none from the payload. */
  at: number;
  /** Which of the source's connections took it, and its packet identifier there (0: QoS 0). */
  client?: number;
  packetId?: number;
}

/**
 * First byte of a record of kept messages: 1 without packet identifiers, 2 with them; the oldest
 * records (JSON of mapped values) begin "[".
 */
const KEPT = 1;
const KEPT_IDS = 2;
const enc = new TextEncoder(), dec = new TextDecoder();

/**
 * Encodes messages as one buffer record: version byte, then per message its connection (u8) and
 * packet identifier (u16), the topic (u32 length, UTF-8), arrival time (f64) and payload (u32
 * length, bytes). Keeping the payload as it came costs a copy, where re-encoding mapped values
 * cost a JSON round trip per message.
 */
export function encodeKept(messages: KeptMessage[]): Uint8Array {
  const topics = messages.map((m) => enc.encode(m.topic));
  let size = 1;
  messages.forEach((m, i) => size += 19 + topics[i].length + m.payload.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = KEPT_IDS;
  let at = 1;
  messages.forEach((m, i) => {
    view.setUint8(at, m.client ?? 0);
    view.setUint16(at + 1, m.packetId ?? 0);
    at += 3;
    view.setUint32(at, topics[i].length);
    out.set(topics[i], at + 4);
    at += 4 + topics[i].length;
    view.setFloat64(at, m.at);
    view.setUint32(at + 8, m.payload.length);
    out.set(m.payload, at + 12);
    at += 12 + m.payload.length;
  });
  return out;
}

/** Decodes a record of kept messages; undefined for a record in the older JSON form. */
export function decodeKept(record: Uint8Array): KeptMessage[] | undefined {
  if (record[0] !== KEPT && record[0] !== KEPT_IDS) return undefined;
  const ids = record[0] === KEPT_IDS;
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const out: KeptMessage[] = [];
  for (let at = 1; at < record.length;) {
    let client = 0, packetId = 0;
    if (ids) {
      client = view.getUint8(at);
      packetId = view.getUint16(at + 1);
      at += 3;
    }
    const topicLength = view.getUint32(at);
    const topic = dec.decode(record.subarray(at + 4, at + 4 + topicLength));
    at += 4 + topicLength;
    const arrived = view.getFloat64(at);
    const length = view.getUint32(at + 8);
    const payload = record.subarray(at + 12, at + 12 + length);
    out.push(
      ids ? { topic, at: arrived, payload, client, packetId } : { topic, at: arrived, payload },
    );
    at += 12 + length;
  }
  return out;
}
