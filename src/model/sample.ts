/** Quality of a sample, stored as one byte in a batch. */
export const Quality = { good: 0, uncertain: 1, bad: 2 } as const;
export type QualityName = keyof typeof Quality;
export type QualityCode = (typeof Quality)[QualityName];

const NAMES: readonly QualityName[] = ["good", "uncertain", "bad"];

/** The name of a quality code; unknown codes read as "bad". */
export function qualityName(code: number): QualityName {
  return NAMES[code] ?? "bad";
}

/** One value of one tag at one time: the row form of a batch entry. */
export interface Sample {
  /** Index of the tag in its source's tag list. */
  tag: number;
  /** Milliseconds since the Unix epoch. */
  ts: number;
  value: number | string | boolean | null;
  quality: QualityName;
  /** Why the quality is not good (timeout, exception name, connection lost…). */
  reason?: string;
}
