import { columns, type SampleBatch } from "../../src/model/batch.ts";
import type { TagType } from "../../src/model/tag.ts";
import type { TagCatalog } from "../../src/runtime/kit.ts";
import { type DataTypeCode, dataTypeOf } from "./datatypes.ts";

/** A tag as a metric of its Sparkplug device. */
export interface MetricDef {
  device: string;
  /** The metric's name: the tag's name. */
  name: string;
  path: string;
  alias: number;
  datatype: DataTypeCode;
  tagType: TagType;
  unit?: string;
  writable: boolean;
}

/** The latest value taken of a metric: a number (NaN: none), or a text. */
export interface Latest {
  ts: number;
  value: number | string;
  quality: number;
  reason?: string;
}

/** The node's own metrics take aliases 0 and 1; devices' metrics follow. */
export const NODE_ALIASES = { bdSeq: 0, rebirth: 1 } as const;
const FIRST_DEVICE_ALIAS = 2;

/**
 * The metrics of the edge node's devices: each tag routed to the sink is a metric of the
 * Sparkplug device named after its gateway device, with an alias unique in the node (stable for
 * the run: a BIRTH restates them all), and the latest value taken of it, for the births.
 */
export class NodeMetrics {
  readonly #byPath = new Map<string, MetricDef>();
  readonly #byDevice = new Map<string, MetricDef[]>();
  readonly #bySource = new Map<number, (MetricDef | undefined)[]>();
  readonly #latest: (Latest | undefined)[] = [];
  #nextAlias = FIRST_DEVICE_ALIAS;
  #seen = -1;

  constructor(private readonly catalog: TagCatalog) {}

  /** Learns the tags registered since the last look; true when any is new. */
  refresh(): boolean {
    if (this.catalog.version === this.#seen) return false;
    this.#seen = this.catalog.version;
    let added = false;
    for (const frame of this.catalog.frames()) {
      const list = this.#bySource.get(frame.source) ?? [];
      this.#bySource.set(frame.source, list);
      frame.tags.forEach((meta, i) => {
        if (!meta) return;
        let def = this.#byPath.get(meta.path);
        if (!def) {
          def = {
            device: meta.device,
            name: meta.name,
            path: meta.path,
            alias: this.#nextAlias++,
            datatype: dataTypeOf(meta.type),
            tagType: meta.type,
            writable: meta.writable,
          };
          if (meta.unit) def.unit = meta.unit;
          this.#byPath.set(meta.path, def);
          const devs = this.#byDevice.get(meta.device) ?? [];
          devs.push(def);
          this.#byDevice.set(meta.device, devs);
          added = true;
        }
        list[frame.first + i] = def;
      });
    }
    return added;
  }

  /** Keeps the latest value of each metric in a batch taken from the input. */
  take(batch: SampleBatch): void {
    let defs = this.#bySource.get(batch.source);
    const c = columns(batch);
    const text = batch.text && new Map(batch.text);
    const reasons = batch.reasons && new Map(batch.reasons);
    for (let i = 0; i < batch.count; i++) {
      let def = defs?.[c.tag[i]];
      if (!def && this.refresh()) {
        defs = this.#bySource.get(batch.source);
        def = defs?.[c.tag[i]];
      }
      if (!def) continue;
      const before = this.#latest[def.alias];
      if (before && before.ts > c.ts[i]) continue;
      const latest: Latest = {
        ts: c.ts[i],
        value: text?.get(i) ?? c.value[i],
        quality: c.quality[i],
      };
      const reason = reasons?.get(i);
      if (reason !== undefined) latest.reason = reason;
      this.#latest[def.alias] = latest;
    }
  }

  byPath(path: string): MetricDef | undefined {
    return this.#byPath.get(path) ?? (this.refresh() ? this.#byPath.get(path) : undefined);
  }

  /** A device's metric by name or alias. */
  find(device: string, key: { name?: string; alias?: number }): MetricDef | undefined {
    const defs = this.#byDevice.get(device) ?? [];
    return defs.find((d) => key.name !== undefined ? d.name === key.name : d.alias === key.alias);
  }

  devices(): string[] {
    return [...this.#byDevice.keys()];
  }

  metricsOf(device: string): readonly MetricDef[] {
    return this.#byDevice.get(device) ?? [];
  }

  latest(alias: number): Latest | undefined {
    return this.#latest[alias];
  }
}
