/** The closed set of error codes; branch on these, never on instanceof. */
export type ErrorCode =
  | "connection_failed"
  | "connection_lost"
  | "timed_out"
  | "protocol_error"
  | "bad_config"
  | "rejected"
  | "crashed"
  | "internal";

/** An error as plain data, so it survives postMessage between workers. */
export interface ErrorInfo {
  code: ErrorCode;
  stage: string;
  message: string;
}

/** An Error that carries a code and the stage it happened in. */
export class GatewayError extends Error {
  constructor(readonly code: ErrorCode, readonly stage: string, message: string) {
    super(message);
    this.name = "GatewayError";
  }
}

/** Turns anything thrown into plain error data. */
export function toErrorInfo(err: unknown, stage = "unknown"): ErrorInfo {
  if (err instanceof GatewayError) {
    return { code: err.code, stage: err.stage, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: "internal", stage, message };
}
