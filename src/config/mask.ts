/** Field names whose values are secrets wherever they appear. */
const SECRET_KEY = /(^|_)(password|passphrase|secret|token|creds)$/i;

/**
 * A config as `GET /api/config` shows it: a value that came whole from an environment variable is
 * shown as its reference (`${MQTT_PASSWORD}`), a secret field written in the file as "***", and
 * the values of `api.tokens` (and any other `tokens` map) likewise.
 */
export function maskSecrets(value: unknown, fromEnv: ReadonlyMap<string, string>): unknown {
  const byValue = new Map<string, string>();
  for (const [name, v] of fromEnv) if (v !== "") byValue.set(v, name);
  const walk = (v: unknown, key: string, secret: boolean): unknown => {
    if (typeof v === "string") {
      const name = byValue.get(v);
      if (name !== undefined) return `\${${name}}`;
      return (secret || SECRET_KEY.test(key)) && v !== "" ? "***" : v;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key, secret));
    if (v !== null && typeof v === "object") {
      const inner = secret || key === "tokens";
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k, inner)]));
    }
    return v;
  };
  return walk(value, "", false);
}
