import { BatchBuilder, type SampleBatch } from "../../model/batch.ts";
import { Quality, type QualityCode } from "../../model/sample.ts";
import type { Counters } from "../counters.ts";
import { DeviceRules } from "./device_rules.ts";
import { SinkRules } from "./sink_rules.ts";
import { TagStates } from "./tag_states.ts";
import type { Verdict } from "./verdict.ts";

/** The thresholds of one actor's health (gateway defaults merged with the actor's own). */
export interface HealthSettings {
  /** Polls in a row that read nothing good (devices), or writes that failed (sinks). */
  degradedAfter: number;
  /** A watched tag with no news this long is stale; default 3 × its expected interval. */
  staleAfterMs?: number;
  /** A sink whose oldest record not yet stored is older than this is degraded. */
  lagAlarmMs: number;
}

export const DEFAULT_HEALTH: HealthSettings = { degradedAfter: 3, lagAlarmMs: 60_000 };

/**
 * What a driver tells the runtime about its data; the runtime judges the actor's health from
 * it (see health/device_rules.ts and health/sink_rules.ts), not the driver.
 */
export interface Health {
  /** Devices: the tag should have news at least every `intervalMs` (else it goes stale). */
  expect(tag: number, intervalMs: number): void;
  /**
   * Devices: every reading of a tag, reported downstream or not, before any report-by-exception.
   * True when the tag was stale until now: the driver then reports it even if unchanged.
   */
  reading(
    tag: number,
    value: number | string,
    quality: number,
    reason: string | undefined,
    now: number,
  ): boolean;
  /** Devices that poll: a poll ended; `failure` when it could not read at all. */
  polled(failure?: string): void;
  /** Devices: tags known unchanged as of `now` (a subscription's keep-alive). */
  alive(tags: readonly number[], now: number): void;
  /** Sinks: a write stored its records. */
  wrote(): void;
  /** Sinks: a write failed, for a reason worth retrying. */
  writeFailed(reason: string): void;
  /** Sinks: how to learn the age (ms) of the oldest record taken but not yet stored. */
  lagFrom(probe: () => number): void;
}

/** Samples a stale or revived tag is reported with, at most this many a batch. */
const MAX_BATCH = 1024;

/** One actor's health: its tags' states and the rules for its role, judged into its verdict. */
/**
 * The least default stale limit: three intervals of a fast subscription (3 × 50 ms) are within a
 * busy machine's scheduling jitter, and a stale flag then would be noise.
 */
const MIN_STALE_MS = 1000;

export class ActorHealth implements Health {
  readonly #tags = new TagStates();
  readonly #device: DeviceRules;
  readonly #sink: SinkRules;
  #probe: (() => number) | undefined;
  #windowMs = 1000;
  #windowStart = 0;
  #good = 0;

  constructor(
    private readonly role: "device" | "sink" | "transform" | "simulator",
    private readonly settings: HealthSettings,
    private readonly counters: Counters,
    private readonly verdict: Verdict,
    /** Devices: sends a batch of samples the runtime reports itself (stale, fresh again). */
    private readonly send?: (batch: SampleBatch) => void,
    private readonly source = 0,
  ) {
    this.#device = new DeviceRules(settings.degradedAfter);
    this.#sink = new SinkRules(settings.degradedAfter, settings.lagAlarmMs);
  }

  expect(tag: number, intervalMs: number): void {
    const staleAfter = this.settings.staleAfterMs ?? Math.max(3 * intervalMs, MIN_STALE_MS);
    this.#tags.expect(tag, staleAfter);
    if (intervalMs > this.#windowMs) this.#windowMs = intervalMs;
  }

  reading(
    tag: number,
    value: number | string,
    quality: number,
    reason: string | undefined,
    now: number,
  ): boolean {
    if (quality !== Quality.bad) this.#good++;
    this.#device.reading(quality, reason);
    return this.#tags.reading(tag, value, quality, now);
  }

  polled(failure?: string): void {
    this.#device.polled(failure);
    this.counters.consecutive_failures = this.#device.consecutive;
    this.#judge();
  }

  alive(tags: readonly number[], now: number): void {
    const revived = this.#tags.alive(tags, now);
    if (revived.length === 0) return;
    this.#emit(revived.map((tag) => ({ tag, ...this.#tags.last(tag) })), now);
  }

  wrote(): void {
    this.#sink.wrote();
    this.#judge();
  }

  writeFailed(reason: string): void {
    this.#sink.failed(reason);
    this.#judge();
  }

  lagFrom(probe: () => number): void {
    this.#probe = probe;
  }

  /** Runs every few hundred ms: staleness, the good-values window, the sink's lag; judges. */
  tick(now: number): void {
    if (this.role === "sink") {
      this.#sink.lag = this.#probe?.() ?? 0;
      this.counters.lag_ms = this.#sink.lag;
      this.counters.consecutive_failures = this.#sink.consecutive;
    } else if (this.role === "device") {
      const stale = this.#tags.scan(now);
      if (stale.length > 0) {
        this.#emit(
          stale.map(({ tag, value, since }) => ({
            tag,
            value,
            quality: Quality.uncertain,
            reason: `stale since ${new Date(since).toISOString()}`,
          })),
          now,
        );
      }
      if (now - this.#windowStart >= this.#windowMs) {
        if (this.#windowStart > 0) this.counters.good_values = this.#good;
        this.#good = 0;
        this.#windowStart = now;
      }
      this.counters.consecutive_failures = this.#device.consecutive;
      this.counters.bad_tags = this.#tags.bad;
      this.counters.stale_tags = this.#tags.stale;
    }
    this.#judge();
  }

  #judge(): void {
    // A simulator's or a transform's state is its own report.
    if (this.role === "simulator" || this.role === "transform") return;
    const j = this.role === "sink" ? this.#sink.judge() : this.#device.judge(this.#tags);
    this.verdict.data(j.state, j.reason);
  }

  #emit(
    samples: { tag: number; value: number | string; quality: number; reason?: string }[],
    now: number,
  ): void {
    if (!this.send) return;
    for (let i = 0; i < samples.length; i += MAX_BATCH) {
      const part = samples.slice(i, i + MAX_BATCH);
      const b = new BatchBuilder(this.source, part.length);
      for (const s of part) {
        const q = s.quality as QualityCode;
        if (typeof s.value === "string") b.pushText(s.tag, now, s.value, q, s.reason);
        else b.push(s.tag, now, s.value, q, s.reason);
      }
      this.send(b.build());
    }
  }
}
