import type { Counters } from "./counters.ts";

/**
 * The counters of every actor in a worker as one message: the names once, the values in one
 * typed array, a row per actor (NaN where an actor has no such counter). Thousands of actors
 * report four times a second; as an object per actor, cloning the names cost the main thread
 * a tenth of a core at 5,000 devices.
 */
export interface CounterTable {
  ids: string[];
  keys: string[];
  values: Float64Array<ArrayBuffer>;
}

/** Packs counters by actor id; `keys` is the name list to reuse (names seen first get added). */
export function packCounters(
  actors: ReadonlyMap<string, { counters: Counters }>,
  keys: KeyList = new KeyList(),
): CounterTable {
  const ids = [...actors.keys()];
  for (const { counters } of actors.values()) keys.addFrom(counters);
  const width = keys.names.length;
  const values = new Float64Array(ids.length * width).fill(NaN);
  let row = 0;
  for (const { counters } of actors.values()) {
    for (const name in counters) values[row + keys.index(name)] = counters[name];
    row += width;
  }
  return { ids, keys: keys.names.slice(), values };
}

/** The counters of row `i`, as an object again. */
export function unpackRow(table: CounterTable, i: number): Counters {
  const out = {} as Counters;
  const width = table.keys.length, base = i * width;
  for (let k = 0; k < width; k++) {
    const v = table.values[base + k];
    if (!Number.isNaN(v)) out[table.keys[k]] = v;
  }
  return out;
}

/** Counter names in the order they were first seen. */
export class KeyList {
  readonly names: string[] = [];
  #index = new Map<string, number>();

  /** Adds the names of `counters` not seen yet. */
  addFrom(counters: Counters): void {
    for (const name in counters) {
      if (!this.#index.has(name)) {
        this.#index.set(name, this.names.length);
        this.names.push(name);
      }
    }
  }

  index(name: string): number {
    return this.#index.get(name)!;
  }
}
