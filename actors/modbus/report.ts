import { Quality } from "../../src/model/sample.ts";

/** What a group reports: every poll, or only changes (with a deadband and a heartbeat). */
export interface ReportPolicy {
  mode: "always" | "on_change";
  deadband: number;
  heartbeatMs: number;
}

interface Last {
  value: number | string;
  quality: number;
  reason?: string;
  at: number;
}

/**
 * Report by exception: a sample passes when the tag has not been reported yet, its quality or
 * reason changed, its value moved beyond the deadband, or the heartbeat is due.
 */
export class ReportFilter {
  /** Made on the first sample of a group that reports on change. */
  #last: Map<number, Last> | undefined;

  /** @param deadbands the tags' own deadbands, where they have one */
  constructor(
    private readonly policy: ReportPolicy,
    private readonly deadbands?: ReadonlyMap<number, number>,
  ) {}

  /** True when this sample should be sent; remembers it as the last one reported. */
  pass(tag: number, ts: number, value: number | string, quality: number, reason?: string): boolean {
    if (this.policy.mode === "always") return true;
    const seen = this.#last ??= new Map();
    const last = seen.get(tag);
    const heartbeat = this.policy.heartbeatMs > 0 && last !== undefined &&
      ts - last.at >= this.policy.heartbeatMs;
    if (
      last && !heartbeat && last.quality === quality && last.reason === reason &&
      !this.#moved(tag, last.value, value, quality)
    ) {
      return false;
    }
    seen.set(tag, { value, quality, reason, at: ts });
    return true;
  }

  #moved(tag: number, before: number | string, now: number | string, quality: number): boolean {
    if (quality === Quality.bad) return false;
    if (typeof before !== "number" || typeof now !== "number") return before !== now;
    if (Number.isNaN(before) || Number.isNaN(now)) return !Object.is(before, now);
    const deadband = this.deadbands?.get(tag) ?? this.policy.deadband;
    return deadband === 0 ? before !== now : Math.abs(now - before) > deadband;
  }
}
