/** A problem found in the config file, with where it is. */
export interface ConfigIssue {
  path: string;
  message: string;
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value (not in keys). A reference to an
 * unset variable without a default is an issue at that value's path; `$${` writes a literal `${`.
 * What holds no reference comes back as it was, not copied: a config of 20,000 tags has few.
 */
export function substituteEnv(
  value: unknown,
  env: (name: string) => string | undefined,
  issues: ConfigIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    const escaped = value.split("$${");
    return escaped.map((part) =>
      part.replace(REF, (_m, name: string, fallback: string | undefined) => {
        const v = env(name);
        if (v !== undefined && v !== "") return v;
        if (fallback !== undefined) return fallback;
        issues.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
        return "";
      })
    ).join("${");
  }
  if (value === null || typeof value !== "object") return value;
  // One path array for the whole walk, extended and restored around each child.
  const child = (v: unknown, key: string | number) => {
    path.push(key);
    const out = substituteEnv(v, env, issues, path);
    path.pop();
    return out;
  };
  if (Array.isArray(value)) {
    const out = value.map(child);
    return out.every((v, i) => v === value[i]) ? value : out;
  }
  const entries = Object.entries(value);
  const out = entries.map(([k, v]) => child(v, k));
  return out.every((v, i) => v === entries[i][1])
    ? value
    : Object.fromEntries(entries.map(([k], i) => [k, out[i]]));
}

/** Formats a path as `devices.press1.tags[3].address`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out || "(root)";
}

/**
 * The environment variables a config refers to: each read once and kept here, for the reloads to
 * come, while `scrub` takes them out of the process's environment (workers may read it: no actor
 * should read another's secret).
 */
export class EnvVault {
  #values = new Map<string, string | undefined>();

  constructor(
    private readonly env: Pick<Deno.Env, "get" | "delete"> = Deno.env,
  ) {}

  /** The value of a variable, as it was when the config first referred to it. */
  readonly lookup = (name: string): string | undefined => {
    if (!this.#values.has(name)) this.#values.set(name, this.env.get(name));
    return this.#values.get(name);
  };

  /** Takes every variable looked up so far out of the process's environment. */
  scrub(): void {
    for (const name of this.#values.keys()) this.env.delete(name);
  }

  /** The variables looked up that have a value, by name. */
  values(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, v] of this.#values) if (v !== undefined) out.set(k, v);
    return out;
  }
}
