import { Quality } from "../../src/model/sample.ts";

/**
 * Whether each device is alive to the host, judged from the values sent in order: a device whose
 * every metric's latest value is bad (its connection lost, say) is dead (DDEATH); the first value
 * that is not bad brings it back (DBIRTH first).
 */
export class DeviceLife {
  readonly #bad = new Map<string, Set<number>>();
  readonly #dead = new Set<string>();

  /**
   * Notes a value of a device's metric; says what it changes: "died" once every one of its
   * `metrics` metrics is bad, "revived" for a value that is not bad while it was dead.
   */
  note(
    device: string,
    alias: number,
    quality: number,
    metrics: number,
  ): "died" | "revived" | undefined {
    let bad = this.#bad.get(device);
    if (!bad) this.#bad.set(device, bad = new Set());
    if (quality === Quality.bad) {
      bad.add(alias);
      if (bad.size >= metrics && !this.#dead.has(device)) {
        this.#dead.add(device);
        return "died";
      }
      return undefined;
    }
    bad.delete(alias);
    if (this.#dead.delete(device)) return "revived";
    return undefined;
  }

  isDead(device: string): boolean {
    return this.#dead.has(device);
  }

  dead(): string[] {
    return [...this.#dead];
  }
}
