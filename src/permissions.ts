import { dirname } from "node:path";
import { drivers } from "../actors/registry.ts";
import type { Config } from "./config/schema.ts";
import type { ActorPermissions } from "./runtime/kit/permissions.ts";
import { unionOf } from "./runtime/kit/permissions.ts";
import type { ActorSpec } from "./runtime/messages.ts";

/** What an actor's driver says it reaches with this config; nothing for a driver that says nothing. */
export function permissionsOf(spec: Pick<ActorSpec, "id" | "kind" | "role" | "config">) {
  const driver = drivers.find((d) => d.kind === spec.kind && d.role === spec.role) ??
    drivers.find((d) => d.kind === spec.kind && spec.role === "simulator" && d.simulator);
  const part = spec.role === "simulator" ? driver?.simulator : driver;
  const declared = part?.permissions as
    | ((config: unknown, id: string) => ActorPermissions)
    | undefined;
  return declared?.(spec.config, spec.id) ?? { net: [], read: [], write: [] };
}

/**
 * What the whole process needs: every actor's permissions, the API's listen address, and the
 * files the main thread keeps (the config file's folder, the audit log, the history files it queries).
 */
export function processPermissions(
  config: Config,
  actors: ActorSpec[],
  configFile: string,
): ActorPermissions {
  const audit = config.commands.audit_file;
  const own: ActorPermissions = {
    net: [`${config.api.host}:${config.api.port}`],
    // The config's folder: the file is watched there (editors replace it on save).
    read: [dirname(configFile), audit],
    write: [audit, dirname(audit)],
  };
  const all = [own, ...actors.map((a) => a.permissions ?? permissionsOf(a))];
  // The gateway makes the actors' directories before they start.
  const dirs = all.flatMap((p) => p.dirs ?? []);
  return unionOf([...all, { net: [], read: dirs, write: dirs }]);
}

/**
 * Deno's flags for those permissions: hosts and paths listed, the program's own folder readable
 * (its code, its packages, the dashboard's files), the environment (the config's `${NAME}`
 * references), system information only where a driver needs it.
 */
export function permissionFlags(p: ActorPermissions, root: string): string[] {
  const list = (flag: string, xs: string[]) => xs.length > 0 ? [`--${flag}=${xs.join(",")}`] : [];
  return [
    ...list("allow-net", p.net),
    ...list("allow-read", [root, ...p.read]),
    ...list("allow-write", p.write),
    "--allow-env",
    ...(p.sys ? ["--allow-sys"] : []),
  ];
}
