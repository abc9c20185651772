import type { Counters } from "./counters.ts";

/**
 * The counters of every actor in a worker as one message: the names once, the values in one
 * typed array, a row per actor (NaN where an actor has no such counter). Thousands of actors
 * report up to four times a second; as an object per actor, cloning the names cost the main thread a tenth
 * of a core at 5,000 devices.
 *
 * The values live in shared memory, written again in place while the actors and the names stay
 * the same: a fresh buffer a second (240 kB at 1,000 devices) outlived the main thread's young
 * generation and piled up there until its next full collection, 7 MB in half a minute. A reader
 * may so see a later report's values than the message it came with, or a row half of one report
 * and half of the next: each counter is still a total the actor reached.
 */
export interface CounterTable {
  ids: string[];
  keys: string[];
  values: Float64Array<ArrayBufferLike>;
}

/**
 * Packs counters by actor id; `keys` is the name list to reuse (names seen first get added).
 * With `previous` (the table this worker sent last), its shared values are written over when the
 * actors and names are the ones it has; otherwise the table is new.
 */
export function packCounters(
  actors: ReadonlyMap<string, { counters: Counters }>,
  keys: KeyList = new KeyList(),
  previous?: CounterTable,
): CounterTable {
  for (const { counters } of actors.values()) keys.addFrom(counters);
  const width = keys.names.length;
  const table = previous && sameLayout(previous, actors, width) ? previous : {
    ids: [...actors.keys()],
    keys: keys.names.slice(),
    values: new Float64Array(new SharedArrayBuffer(actors.size * width * 8)),
  };
  // Every cell written once, never cleared first: a reader in between would take a counter it
  // has seen for missing, and a total would go back.
  const { values } = table, names = keys.names;
  let row = 0;
  for (const { counters } of actors.values()) {
    for (let k = 0; k < width; k++) values[row + k] = counters[names[k]] ?? NaN;
    row += width;
  }
  return table;
}

/** True when `table` has a row for each of `actors`, in order, and `width` columns. */
function sameLayout(table: CounterTable, actors: ReadonlyMap<string, unknown>, width: number) {
  if (table.keys.length !== width || table.ids.length !== actors.size) return false;
  let i = 0;
  for (const id of actors.keys()) if (table.ids[i++] !== id) return false;
  return true;
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
