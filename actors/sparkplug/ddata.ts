import Pbf from "pbf";
import { Quality } from "../../src/model/sample.ts";
import { type ValueField, valueField } from "./datatypes.ts";
import { dataMetric, type MetricSample } from "./messages.ts";
import type { MetricDef } from "./node_metrics.ts";
import { type Metric, MetricType } from "./proto.ts";

// Field numbers of the schema in proto.ts (the specification's): Payload's timestamp 1, metrics
// 2, seq 3; Metric's alias 2, timestamp 3, is_historical 5, int_value 10, long_value 11,
// float_value 12, double_value 13, boolean_value 14.
const P_TIMESTAMP = 1, P_METRIC = 2, P_SEQ = 3;
const M_ALIAS = 2, M_TIMESTAMP = 3, M_HISTORICAL = 5;
const M_INT = 10, M_LONG = 11, M_FLOAT = 12, M_DOUBLE = 13, M_BOOLEAN = 14;

/** The field number a data type's good numeric value goes in; 0: the schema encodes it. */
const FIELD: Partial<Record<ValueField, number>> = {
  int_value: M_INT,
  long_value: M_LONG, // an exact integer (a 64-bit one past 2^53 comes as a bigint or text)
  float_value: M_FLOAT,
  double_value: M_DOUBLE,
  boolean_value: M_BOOLEAN,
};
const fieldOf = (datatype: number) => FIELD[valueField(datatype) ?? "string_value"] ?? 0;

/** A metric of the fast path, reused: pbf's writeMessage hands it to writeMetric. */
interface Plain {
  alias: number;
  ts: number;
  field: number;
  value: number;
  historical: boolean;
}

function writeMetric(m: Plain, pbf: Pbf): void {
  pbf.writeVarintField(M_ALIAS, m.alias);
  pbf.writeVarintField(M_TIMESTAMP, m.ts);
  if (m.historical) pbf.writeBooleanField(M_HISTORICAL, true);
  if (m.field === M_INT) pbf.writeVarintField(M_INT, m.value >>> 0);
  else if (m.field === M_LONG) pbf.writeVarintField(M_LONG, m.value); // negatives: two's complement
  else if (m.field === M_FLOAT) pbf.writeFloatField(M_FLOAT, m.value);
  else if (m.field === M_DOUBLE) pbf.writeDoubleField(M_DOUBLE, m.value);
  else pbf.writeBooleanField(M_BOOLEAN, m.value !== 0);
}

/**
 * DDATA payloads of one device, written one after another into one growing buffer (pbf), so that
 * a message's metrics make no objects: a good number of a scalar numeric type (a 64-bit one when
 * it is an exact integer) is written field by field; any other metric (null, text, with quality
 * properties) is encoded by the schema (protobufjs) and copied in. `open` starts a payload,
 * `bytes` ends it with its seq and gives its bytes, a view of the buffer. The bytes are
 * encodePayload's for the same metrics (ddata_test.ts).
 */
export class DdataStream {
  readonly #pbf: Pbf;
  readonly #plain: Plain = { alias: 0, ts: 0, field: 0, value: 0, historical: false };
  #start = 0;
  /** Metrics in the open payload. */
  count = 0;

  /** `room`: the bytes to start with (the buffer grows as needed). */
  constructor(room = 1024) {
    this.#pbf = new Pbf(new Uint8Array(room));
  }

  /** Starts a payload with its timestamp. */
  open(timestamp: number): this {
    this.#start = this.#pbf.pos;
    this.count = 0;
    this.#pbf.writeVarintField(P_TIMESTAMP, Math.trunc(timestamp));
    return this;
  }

  /** Writes a sample as dataMetric would make it. */
  sample(def: MetricDef, s: MetricSample, historical: boolean): void {
    const v = s.value, field = fieldOf(def.datatype);
    if (
      field && s.quality === Quality.good && typeof v === "number" && !Number.isNaN(v) &&
      (field !== M_LONG || Number.isSafeInteger(v)) && s.ts >= 0 && s.ts <= Number.MAX_SAFE_INTEGER
    ) {
      const m = this.#plain;
      m.alias = def.alias;
      m.field = field;
      m.value = v;
      m.historical = historical;
      m.ts = Math.trunc(s.ts); // whole milliseconds, as the schema's encoder writes them
      this.#pbf.writeMessage(P_METRIC, writeMetric, m);
      this.count++;
    } else this.metric(dataMetric(def, s, historical));
  }

  /** Writes a metric through the schema's encoder. */
  metric(m: Metric): void {
    this.#pbf.writeBytesField(P_METRIC, MetricType.encode(m).finish());
    this.count++;
  }

  /** Ends the open payload with its seq; its bytes. */
  bytes(seq: number): Uint8Array {
    this.#pbf.writeVarintField(P_SEQ, seq);
    return this.#pbf.buf.subarray(this.#start, this.#pbf.pos);
  }
}
