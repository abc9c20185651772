import type { ActorContext } from "../../src/runtime/kit.ts";
import { DataType, dataTypeName, type MetricValue, valueOf } from "./datatypes.ts";
import { NODE_ALIASES, type NodeMetrics } from "./node_metrics.ts";
import { decodePayload, type Metric, type Payload } from "./proto.ts";

/** What a metric of a command names and carries, checked against the tag it writes. */
export interface CommandWrite {
  /** The tag's name, or how the metric named it when no tag has that name or alias. */
  tag: string;
  value: unknown;
  /** Why the value cannot be written (wrong type, no value): refused on the guarded path. */
  invalid?: string;
}

const aliasOf = (m: Metric) => (m.alias === undefined ? undefined : Number(m.alias));

/** The JS value a tag takes from a metric's value: booleans, numbers, texts. */
function forTag(type: string, v: MetricValue): unknown {
  if (type === "bool") return typeof v === "boolean" ? v : undefined;
  if (type === "string") return typeof v === "string" ? v : undefined;
  // A 64-bit integer a double holds exactly (2^60, say), as the tag's values are doubles.
  if (typeof v === "bigint") return BigInt(Number(v)) === v ? Number(v) : undefined;
  return typeof v === "number" ? v : undefined;
}

/**
 * The writes of a DCMD to a device: each metric found by name or alias among the device's tags,
 * its value read by the tag's data type. A metric of another data type, or with no value of it,
 * is marked invalid; one naming no tag keeps its name (or `alias <n>`) so the command path
 * refuses it as not found. Either way the command path audits it and nothing is written.
 */
export function dcmdWrites(device: string, payload: Payload, metrics: NodeMetrics): CommandWrite[] {
  return payload.metrics.map((m) => {
    const alias = aliasOf(m);
    const def = m.name !== undefined && m.name !== ""
      ? metrics.find(device, { name: m.name })
      : alias !== undefined
      ? metrics.find(device, { alias })
      : undefined;
    if (!def) return { tag: m.name || `alias ${alias ?? "?"}`, value: null };
    const type = m.datatype ?? def.datatype;
    const raw = valueOf(m, type);
    const shown = raw === undefined ? null : typeof raw === "bigint" ? raw.toString() : raw;
    const value = raw === undefined || type !== def.datatype ? undefined : forTag(def.tagType, raw);
    if (value === undefined) {
      const invalid = raw === undefined
        ? `a Sparkplug ${dataTypeName(type)} metric without a value`
        : type !== def.datatype
        ? `a Sparkplug ${dataTypeName(type)} value for a ${dataTypeName(def.datatype)} metric`
        : `${shown} does not fit a ${def.tagType} tag`;
      return { tag: def.name, value: shown, invalid };
    }
    return { tag: def.name, value };
  });
}

/** True when an NCMD asks for a rebirth (Node Control/Rebirth = true, by name or alias). */
export function asksRebirth(payload: Payload): boolean {
  return payload.metrics.some((m) =>
    (m.name === "Node Control/Rebirth" || aliasOf(m) === NODE_ALIASES.rebirth) &&
    valueOf(m, DataType.Boolean) === true
  );
}

/**
 * Takes the node's commands: an NCMD rebirth goes to `rebirth`; a DCMD's writes go through the
 * gateway's guarded command path (writable tags only, rate limits, audit), one after another. A
 * payload that is no Sparkplug B payload, or an NCMD this node does not know, is refused,
 * counted and logged.
 */
export class Commands {
  #queue = Promise.resolve();

  constructor(
    private readonly ctx: ActorContext,
    private readonly metrics: NodeMetrics,
    private readonly rebirth: (why: string) => void,
    private readonly takeWrites: boolean,
  ) {}

  take(device: string | undefined, bytes: Uint8Array): void {
    const c = this.ctx.counters;
    c.commands_in = (c.commands_in ?? 0) + 1;
    let payload: Payload;
    try {
      payload = decodePayload(bytes);
    } catch (err) {
      return this.#refused(device, `not a Sparkplug B payload: ${(err as Error).message}`);
    }
    if (device === undefined) {
      if (asksRebirth(payload)) return this.rebirth("NCMD Node Control/Rebirth");
      const names = payload.metrics.map((m) => m.name ?? `alias ${aliasOf(m)}`).join(", ");
      return this.#refused(undefined, `NCMD metrics this node does not take: ${names}`);
    }
    if (!this.takeWrites) return this.#refused(device, "commands are off for this sink");
    this.metrics.refresh();
    const writes = dcmdWrites(device, payload, this.metrics);
    this.#queue = this.#queue.then(() => this.#write(device, writes));
  }

  async #write(device: string, writes: CommandWrite[]): Promise<void> {
    for (const w of writes) {
      const outcome = await this.ctx.submit({
        channel: "sparkplug",
        caller: `sparkplug:${this.ctx.id}`,
        device,
        tag: w.tag,
        value: w.value,
        ...(w.invalid ? { invalid: w.invalid } : {}),
      });
      if (!outcome.ok) {
        this.ctx.counters.commands_refused = (this.ctx.counters.commands_refused ?? 0) + 1;
        this.ctx.log("warn", "DCMD refused", { device, tag: w.tag, reason: outcome.message });
      }
    }
  }

  #refused(device: string | undefined, reason: string): void {
    this.ctx.counters.commands_refused = (this.ctx.counters.commands_refused ?? 0) + 1;
    this.ctx.log("warn", device ? "DCMD refused" : "NCMD refused", { device, reason });
  }
}
