import type { WhenFull } from "../../../model/fields.ts";
import type { Rows } from "./block.ts";

/** What a failed write means: try again later, or the rows can never be written (dead-letter). */
export type Verdict = "retry" | "reject";

/** The database side of a buffered sink. */
export interface SinkWriter {
  /** Writes rows; must be idempotent (a replay after a crash adds nothing). */
  write(rows: Rows): Promise<void>;
  classify(err: unknown): Verdict;
  close(): Promise<void>;
}

/** Settings of the pipeline, from the sink's config. */
export interface PipelineOptions {
  buffer: {
    dir?: string;
    max_bytes: number;
    segment_bytes: number;
    when_full: WhenFull;
    fsync: "always" | "interval" | "never";
    fsync_interval_ms: number;
  };
  batch: {
    max_samples: number;
    max_linger_ms: number;
    max_in_flight: number;
    retry: { initial_ms: number; max_ms: number };
  };
}
