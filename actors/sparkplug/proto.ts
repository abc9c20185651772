import protobuf from "protobufjs";
import Long from "long";

// 64-bit fields as Long, so a UInt64 beyond 2^53 keeps every bit.
protobuf.util.Long = Long;
protobuf.configure();

/** A 64-bit protobuf field as protobufjs hands it over or takes it. */
export type Int64 = Long | number;

/** A property value of a PropertySet (units, quality). */
export interface PropertyValue {
  type?: number;
  is_null?: boolean;
  int_value?: number;
  long_value?: Int64;
  float_value?: number;
  double_value?: number;
  boolean_value?: boolean;
  string_value?: string;
}

export interface PropertySet {
  keys: string[];
  values: PropertyValue[];
}

/** One metric of a payload, with the field names of the Sparkplug B schema. */
export interface Metric {
  name?: string;
  alias?: Int64;
  timestamp?: Int64;
  datatype?: number;
  is_historical?: boolean;
  is_transient?: boolean;
  is_null?: boolean;
  properties?: PropertySet;
  int_value?: number;
  long_value?: Int64;
  float_value?: number;
  double_value?: number;
  boolean_value?: boolean;
  string_value?: string;
  bytes_value?: Uint8Array;
}

export interface Payload {
  timestamp?: Int64;
  metrics: Metric[];
  seq?: Int64;
  uuid?: string;
  body?: Uint8Array;
}

const field = (id: number, type: string, rule?: "repeated") => ({
  id,
  type,
  ...(rule && { rule }),
});

// The Sparkplug B payload schema (namespace spBv1.0, proto2: a field set to 0 or false is still
// sent), by the field numbers the specification gives; DataSet, Template and MetaData are left out: this node never sends them, and a decoder
// skips fields it does not know.
const root = protobuf.Root.fromJSON({
  nested: {
    Payload: {
      edition: "proto2",
      fields: {
        timestamp: field(1, "uint64"),
        metrics: field(2, "Metric", "repeated"),
        seq: field(3, "uint64"),
        uuid: field(4, "string"),
        body: field(5, "bytes"),
      },
      nested: {
        PropertyValue: {
          edition: "proto2",
          oneofs: {
            value: {
              oneof: [
                "int_value",
                "long_value",
                "float_value",
                "double_value",
                "boolean_value",
                "string_value",
              ],
            },
          },
          fields: {
            type: field(1, "uint32"),
            is_null: field(2, "bool"),
            int_value: field(3, "uint32"),
            long_value: field(4, "uint64"),
            float_value: field(5, "float"),
            double_value: field(6, "double"),
            boolean_value: field(7, "bool"),
            string_value: field(8, "string"),
          },
        },
        PropertySet: {
          edition: "proto2",
          fields: {
            keys: field(1, "string", "repeated"),
            values: field(2, "PropertyValue", "repeated"),
          },
        },
        Metric: {
          edition: "proto2",
          oneofs: {
            value: {
              oneof: [
                "int_value",
                "long_value",
                "float_value",
                "double_value",
                "boolean_value",
                "string_value",
                "bytes_value",
              ],
            },
          },
          fields: {
            name: field(1, "string"),
            alias: field(2, "uint64"),
            timestamp: field(3, "uint64"),
            datatype: field(4, "uint32"),
            is_historical: field(5, "bool"),
            is_transient: field(6, "bool"),
            is_null: field(7, "bool"),
            properties: field(9, "PropertySet"),
            int_value: field(10, "uint32"),
            long_value: field(11, "uint64"),
            float_value: field(12, "float"),
            double_value: field(13, "double"),
            boolean_value: field(14, "bool"),
            string_value: field(15, "string"),
            bytes_value: field(16, "bytes"),
          },
        },
      },
    },
  },
});
const PayloadType = root.lookupType("Payload");
/** The Metric message type, for metrics written into a payload one by one (ddata.ts). */
export const MetricType = root.lookupType("Payload.Metric");

/** The bytes of a payload. */
export function encodePayload(payload: Payload): Uint8Array {
  return PayloadType.encode(payload).finish();
}

/** A payload from its bytes; throws on bytes that are no Sparkplug B payload. */
export function decodePayload(bytes: Uint8Array): Payload {
  const message = PayloadType.decode(bytes);
  return PayloadType.toObject(message, { longs: Long, defaults: false, arrays: true }) as Payload;
}
