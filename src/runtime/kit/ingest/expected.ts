/** A tag the user expects a value for every `interval_ms`. */
export interface ExpectedEntry {
  device: string;
  tag: string;
  interval_ms: number;
}

/** A name pattern: `*` stands for any run of characters, the rest is literal. */
function pattern(glob: string): RegExp {
  const literal = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literal.join(".*")}$`);
}

/**
 * The expected intervals of an MQTT source's tags, by device and tag name patterns; the first
 * entry that matches a tag wins. Tags no entry matches have none: they never go stale.
 */
export class ExpectedIntervals {
  readonly #entries: { device: RegExp; tag: RegExp; ms: number }[];

  constructor(entries: readonly ExpectedEntry[]) {
    this.#entries = entries.map((e) => ({
      device: pattern(e.device),
      tag: pattern(e.tag),
      ms: e.interval_ms,
    }));
  }

  /** The interval a value of this tag should come in, if the user gave one. */
  of(device: string, tag: string): number | undefined {
    for (const e of this.#entries) if (e.device.test(device) && e.tag.test(tag)) return e.ms;
    return undefined;
  }
}
