import type { TagMeta } from "../../model/tag.ts";
import type { TagCatalog } from "../frames.ts";

/** Does "device/tag" (or "device/*": every tag of the device) name this tag? */
export function refMatches(ref: string, meta: TagMeta): boolean {
  const cut = ref.indexOf("/");
  const device = ref.slice(0, cut), tag = ref.slice(cut + 1);
  return meta.device === device && (tag === "*" || meta.name === tag);
}

/**
 * The tags a transform reads, by "device/tag" references ("device/*" for all of a device's),
 * found in the tag frames that reach it: each tag that matches becomes an input, numbered in the
 * order found; `inputOf(source, tag)` says which input a batch row is. New inputs are handed to
 * `onInput` as they are found (to register the transform's own tags for them).
 */
export class TagInputs {
  readonly metas: TagMeta[] = [];
  readonly #bySource = new Map<number, Map<number, number>>();
  #seen = -1;

  constructor(
    private readonly refs: readonly string[],
    private readonly onInput: (input: number, meta: TagMeta, ref: number) => void = () => {},
  ) {}

  /** Looks at the catalog's frames when they changed since the last look. */
  learn(catalog: TagCatalog): void {
    if (catalog.version === this.#seen) return;
    this.#seen = catalog.version;
    for (const frame of catalog.frames()) {
      let m = this.#bySource.get(frame.source);
      frame.tags.forEach((meta, k) => {
        if (!meta || m?.has(frame.first + k)) return;
        const ref = this.refs.findIndex((r) => refMatches(r, meta));
        if (ref < 0) return;
        if (!m) this.#bySource.set(frame.source, m = new Map());
        const input = this.metas.push(meta) - 1;
        m.set(frame.first + k, input);
        this.onInput(input, meta, ref);
      });
    }
  }

  /** The input a row of a source's batch is, if any. */
  inputOf(source: number, tag: number): number | undefined {
    return this.#bySource.get(source)?.get(tag);
  }

  /** True when a source's batches hold any input (so the others can be skipped). */
  feeds(source: number): boolean {
    return this.#bySource.has(source);
  }
}

/** A transform's tag next to its input's in the Unified Namespace: `<input path>/<suffix>`. */
export function derivedTag(input: TagMeta, suffix: string, type: TagMeta["type"]): TagMeta {
  const meta: TagMeta = {
    name: `${input.name}/${suffix}`,
    device: input.device,
    path: `${input.path}/${suffix}`,
    type,
    writable: false,
  };
  if (input.unit && type !== "bool" && type !== "string") meta.unit = input.unit;
  return meta;
}
