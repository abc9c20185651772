import { createHash, timingSafeEqual } from "node:crypto";

/** The outcome of checking a request's bearer token. */
export type Auth =
  | { ok: true; caller: string }
  | { ok: false; status: 401 | 403; code: string; message: string };

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens (by name), in constant
 * time: every token is compared, each as a SHA-256 digest of equal length. Empty tokens (an unset
 * `${ENV}`) count as none. With no token at all, commands are off (403, saying how to turn them
 * on).
 */
export function tokenChecker(tokens: Readonly<Record<string, string>>): (header?: string) => Auth {
  const known = Object.entries(tokens)
    .filter(([, token]) => token.length > 0)
    .map(([name, token]) => ({ name, digest: digest(token) }));
  return (header) => {
    if (known.length === 0) {
      return {
        ok: false,
        status: 403,
        code: "commands_disabled",
        message: "Writes and restarts are off: no API token is set. Set one in api.tokens " +
          '(the default config reads TAGFLOW_API_TOKEN) and send "Authorization: Bearer <token>"',
      };
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    if (!m) {
      return {
        ok: false,
        status: 401,
        code: "unauthorized",
        message: 'Send the API token as "Authorization: Bearer <token>"',
      };
    }
    const given = digest(m[1]);
    let caller: string | undefined;
    for (const k of known) if (timingSafeEqual(given, k.digest) && !caller) caller = k.name;
    return caller
      ? { ok: true, caller }
      : { ok: false, status: 401, code: "unauthorized", message: "The API token is not valid" };
  };
}
