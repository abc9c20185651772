/**
 * What crosses a channel's port, tagged by a short string (the tag is on every message, so it is
 * kept to a character or a word). Data goes from sender to receiver, replies back; credit comes
 * back through the shared memory the first message hands over (see AckCounter).
 */
export const WIRE = {
  /** One data item; costs the sender one credit. */
  item: "d",
  /** Several data items in one message (coalesced); one credit each. */
  items: "D",
  /** A control message (tag registrations): no credit, delivered in order with the data. */
  control: "x",
  /** Sender → receiver, first: the shared memory where the receiver counts its acks. */
  acks: "a",
  /** Receiver → sender: a reply, e.g. a receipt saying batches were stored. */
  reply: "r",
  /** Sender → receiver: no more items follow. */
  end: "end",
} as const;

/** One message on a channel's port. */
export type Wire<T, C> =
  | { t: typeof WIRE.item; v: T }
  | { t: typeof WIRE.items; v: T[] }
  | { t: typeof WIRE.control; v: C }
  | { t: typeof WIRE.acks; v: SharedArrayBuffer }
  | { t: typeof WIRE.reply; v: unknown }
  | { t: typeof WIRE.end };
