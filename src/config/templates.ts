import type { ConfigIssue } from "./env.ts";
import { type CsvRow, readCsv } from "./csv_table.ts";
import { tagsFromCsv } from "./tags_csv.ts";

/** A value a template variable takes: from `vars` or a CSV cell. */
type Var = string | number | boolean;

/** Where expanded parts of the config came from, by path prefix: for error messages. */
export type Origins = Map<string, string>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Expands device templates in raw config (before `${ENV}` substitution and validation):
 * `templates`, devices naming a `template` with `vars`, `devices_from` CSV files of instances and
 * `tags_from` CSV files of tags. Problems are added to `issues` by path (CSV lines by number);
 * `read` reads a file named in the config. Returns the config without the template sections and
 * where each expanded device and tag came from.
 */
export function expandTemplates(
  raw: unknown,
  read: (file: string) => string,
  issues: ConfigIssue[],
): { config: unknown; origins: Origins } {
  const origins: Origins = new Map();
  if (!isObj(raw) || !("templates" in raw || "devices_from" in raw || usesTemplates(raw))) {
    return { config: raw, origins };
  }
  const { templates = {}, devices_from, ...rest } = raw;
  if (!isObj(templates)) {
    issues.push({ path: "templates", message: "expected an object of template name → device" });
    return { config: rest, origins };
  }
  const devices: Obj = isObj(rest.devices) ? { ...rest.devices } : {};
  const instance = (path: string, name: unknown, vars: Record<string, Var>, own: Obj = {}) => {
    const template = typeof name === "string" ? templates[name] : undefined;
    if (!isObj(template)) {
      const known = Object.keys(templates).join(", ") || "none";
      issues.push({
        path,
        message: `unknown template ${JSON.stringify(name)} (templates: ${known})`,
      });
      return undefined;
    }
    return merge(substitute(template, vars) as Obj, own);
  };
  for (const [id, entry] of Object.entries(devices)) {
    if (!isObj(entry) || !("template" in entry)) continue;
    const { template, vars = {}, ...own } = entry;
    if (!isObj(vars)) {
      issues.push({ path: `devices.${id}.vars`, message: "expected an object of name → value" });
      continue;
    }
    devices[id] = instance(
      `devices.${id}.template`,
      template,
      { ...vars as Obj, device: id } as Record<string, Var>,
      own,
    );
    origins.set(`devices.${id}`, `template ${JSON.stringify(template)}`);
  }
  const sources = devices_from === undefined
    ? []
    : Array.isArray(devices_from)
    ? devices_from
    : [devices_from];
  sources.forEach((source, k) => {
    const path = `devices_from[${k}]`;
    if (!isObj(source) || typeof source.file !== "string") {
      issues.push({
        path,
        message: 'expected { "file": "<csv>", "template": "<name>", "vars"?: {…} }',
      });
      return;
    }
    const rows = csvOf(source.file, path, read, issues);
    for (const row of rows ?? []) {
      const where = `${source.file} line ${row.line}`;
      const id = row.cells.name ?? row.cells.id;
      if (!id) {
        issues.push({ path, message: `${where}: no name (the column "name" holds the device id)` });
        continue;
      }
      if (id in devices) {
        const other = origins.get(`devices.${id}`) ?? "the config";
        issues.push({
          path: `devices.${id}`,
          message: `${where}: device "${id}" is defined in ${other} too`,
        });
        continue;
      }
      const vars = { ...(isObj(source.vars) ? source.vars : {}), ...typed(row.cells), device: id };
      devices[id] = instance(path, source.template, vars as Record<string, Var>);
      origins.set(`devices.${id}`, where);
    }
  });
  for (const [id, entry] of Object.entries(devices)) {
    if (!isObj(entry) || !("tags_from" in entry)) continue;
    const { tags_from, ...own } = entry;
    const path = `devices.${id}.tags_from`;
    if (typeof tags_from !== "string") {
      issues.push({ path, message: "expected the name of a CSV file of tags" });
      continue;
    }
    const rows = csvOf(tags_from, path, read, issues);
    if (!rows) continue;
    const before = Array.isArray(own.tags) ? own.tags : [];
    const csvTags = tagsFromCsv(rows, own.kind);
    csvTags.forEach((_, k) => {
      origins.set(`devices.${id}.tags.${before.length + k}`, `${tags_from} line ${rows[k].line}`);
    });
    devices[id] = { ...own, tags: [...before, ...csvTags] };
  }
  return { config: { ...rest, devices }, origins };
}

/** Whether any device names a template or a tags file. */
function usesTemplates(raw: Obj): boolean {
  return isObj(raw.devices) &&
    Object.values(raw.devices).some((d) => isObj(d) && ("template" in d || "tags_from" in d));
}

function csvOf(
  file: string,
  path: string,
  read: (file: string) => string,
  issues: ConfigIssue[],
): CsvRow[] | undefined {
  try {
    return readCsv(read(file), file);
  } catch (err) {
    issues.push({ path, message: (err as Error).message });
    return undefined;
  }
}

/** CSV cells as variables: numbers and true/false as such, the rest as text. */
function typed(cells: Record<string, string>): Record<string, Var> {
  const out: Record<string, Var> = {};
  for (const [k, v] of Object.entries(cells)) {
    if (v === "") continue;
    out[k] = /^-?\d+(\.\d+)?$/.test(v)
      ? Number(v)
      : v === "true"
      ? true
      : v === "false"
      ? false
      : v;
  }
  return out;
}

/**
 * `${name}` replaced in every string (and key) for the names in `vars`; a string that is only
 * `${name}` takes the variable's own type. Other `${…}` (environment variables) are left.
 */
export function substitute(value: unknown, vars: Record<string, Var>): unknown {
  if (typeof value === "string") {
    const whole = value.match(/^\$\{(\w+)\}$/);
    if (whole && whole[1] in vars) return vars[whole[1]];
    return value.replace(/\$\{(\w+)\}/g, (ref, name) => name in vars ? String(vars[name]) : ref);
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (isObj(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [substitute(k, vars) as string, substitute(v, vars)]),
    );
  }
  return value;
}

/** `over` on `base`: objects merged by key, anything else replaced. */
export function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isObj(v) && isObj(out[k]) ? merge(out[k] as Obj, v) : v;
  }
  return out;
}

/** An issue's message with where its part of the config came from (the longest matching path). */
export function withOrigin(issue: ConfigIssue, origins: Origins): ConfigIssue {
  let best = "";
  for (const prefix of origins.keys()) {
    const under = issue.path === prefix || issue.path.startsWith(`${prefix}.`) ||
      issue.path.startsWith(`${prefix}[`);
    if (under && prefix.length > best.length) best = prefix;
  }
  return best ? { ...issue, message: `${issue.message} (${origins.get(best)})` } : issue;
}
