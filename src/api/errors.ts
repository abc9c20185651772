import type { Refusal } from "../runtime/writes.ts";

/** The HTTP status of each refusal of the command path. */
export const REFUSAL_STATUS = {
  bad_value: 400,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  device_error: 502,
  not_connected: 503,
  timed_out: 504,
} as const satisfies Record<Refusal, number>;

/** The API's error body. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
