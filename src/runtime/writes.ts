/** Why a command was not carried out. */
export type Refusal =
  /** No such device, tag or actor. */
  | "not_found"
  /** The tag is not writable (or commands are not allowed from there). */
  | "forbidden"
  /** Over the per-tag or the global command rate. */
  | "rate_limited"
  /** The device refused the value: wrong type, out of range, no such op. */
  | "bad_value"
  /** The device is not connected (or its actor is not running). */
  | "not_connected"
  /** No answer within the command timeout. */
  | "timed_out"
  /** The device answered with an error (an exception, a bad status). */
  | "device_error";

/** How a command came: the REST API, an MQTT command topic, or a Sparkplug DCMD. */
export type CommandChannel = "rest" | "mqtt" | "sparkplug";

/** A write as it enters the guarded command path, from any channel. */
export interface WriteRequest {
  channel: CommandChannel;
  /** Who asks: the API token's name, or the MQTT sink and topic. */
  caller: string;
  device: string;
  tag: string;
  value: unknown;
  /**
   * Why the channel found the value unfit before it got here (a Sparkplug metric of the wrong
   * type): refused as bad_value once the tag is found writable, audited, nothing written.
   */
  invalid?: string;
}

/** The answer to a write: the value written and read back, or why it was not. */
export type WriteOutcome =
  | {
    ok: true;
    device: string;
    tag: string;
    written: unknown;
    /** The device's status of the write ("Good" where the protocol has none). */
    status: string;
    /** What the device reads back after the write, when it was read. */
    readback?: unknown;
    /** When the write was answered, ISO 8601. */
    ts: string;
    duration_ms: number;
  }
  | {
    ok: false;
    device: string;
    tag: string;
    refusal: Refusal;
    /** Names the device, tag and what was wrong. */
    message: string;
    duration_ms: number;
  };
