import { ConfigError, loadConfig } from "./config_file.ts";
import type { Config } from "./config/schema.ts";
import type { EnvVault } from "./config/env.ts";
import { maskSecrets } from "./config/mask.ts";
import { canonical } from "./runtime/plan_diff.ts";
import { planFromConfig } from "./plan.ts";
import type { AuditLog } from "./runtime/audit.ts";
import type { ActorPermissions } from "./runtime/kit/permissions.ts";
import { logger } from "./runtime/log.ts";
import type { ActorSpec } from "./runtime/messages.ts";
import { reconfigure } from "./runtime/reconfigure.ts";
import type { Router } from "./runtime/router.ts";
import type { Supervisor } from "./runtime/supervisor.ts";
import type { ReloadOutcome, ReloadTrigger } from "./api/context.ts";
import { SETTLE_AFTER_MS, settleHeapSoon } from "./runtime/settle_heap.ts";

/** Sections that take effect only when the gateway starts: a change there refuses the reload. */
const AT_START = ["gateway", "api", "commands"] as const;

/**
 * Reloads the config file into the running gateway: the new file is validated in full; when it
 * is invalid, or changes what only a restart applies, nothing changes and the reason is given;
 * otherwise only the actors whose config changed restart (see reconfigure). One reload at a time.
 */
export class ConfigReloader {
  #queue: Promise<unknown> = Promise.resolve();
  #log = logger({ component: "config" });
  loadedAt = new Date();

  constructor(
    readonly file: string,
    private current: Config,
    private readonly env: EnvVault,
    private readonly runtime: { supervisor: Supervisor; router: Router; audit: AuditLog },
  ) {}

  /** The config in force, secrets masked. */
  inForce(): { file: string; loaded_at: string; config: unknown } {
    return {
      file: this.file,
      loaded_at: this.loadedAt.toISOString(),
      config: maskSecrets(this.current, this.env.values()),
    };
  }

  /** Reloads the file (after the reloads asked for before). */
  reload(trigger: ReloadTrigger, caller?: string): Promise<ReloadOutcome> {
    const run = this.#queue.then(() => this.#reload(trigger, caller));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #reload(trigger: ReloadTrigger, caller?: string): Promise<ReloadOutcome> {
    const started = performance.now();
    const outcome = await this.#apply();
    const duration_ms = Math.round(performance.now() - started);
    settleHeapSoon(SETTLE_AFTER_MS); // a reload leaves what a start leaves: the old and new configs
    if (outcome.ok) {
      const { ok: _, ...what } = outcome;
      this.#log("info", "config reloaded", { trigger, file: this.file, ...what, duration_ms });
    } else {
      this.#log("warn", "config reload refused: nothing changed", {
        trigger,
        file: this.file,
        reason: outcome.message,
      });
    }
    if (trigger === "api") {
      this.runtime.audit.append({
        ts: new Date().toISOString(),
        channel: "rest",
        caller: caller ?? "unauthenticated",
        action: "reload",
        outcome: outcome.ok ? "done" : "refused",
        ...(outcome.ok ? {} : { code: outcome.code, reason: outcome.message }),
        duration_ms,
      });
    }
    return outcome;
  }

  async #apply(): Promise<ReloadOutcome> {
    let next: Config;
    try {
      next = await loadConfig(this.file, this.env.lookup);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return { ok: false, code: "invalid_config", message: err.message, issues: err.issues };
    }
    this.env.scrub();
    const atStart = startOnlyChanges(this.current, next);
    if (atStart.length > 0) {
      return {
        ok: false,
        code: "restart_required",
        message: `${atStart.join(", ")} take${
          atStart.length === 1 ? "s" : ""
        } effect when the gateway starts: restart it to apply this config`,
      };
    }
    const { supervisor, router } = this.runtime;
    const plan = planFromConfig(next);
    const running = new Map(supervisor.specs().map((s) => [s.id, s]));
    const starting = plan.actors.filter((s) => canonical(running.get(s.id)) !== canonical(s));
    const missing = starting.flatMap((s) => lacking(s));
    if (missing.length > 0) {
      return {
        ok: false,
        code: "restart_required",
        message: `the gateway was started without ${
          missing.join(", ")
        }: restart it (deno task start grants what the config needs) to apply this config`,
      };
    }
    for (const s of starting) {
      for (const dir of s.permissions?.dirs ?? []) await Deno.mkdir(dir, { recursive: true });
    }
    const done = await reconfigure(
      supervisor,
      router,
      plan.actors,
      plan.routes,
      plan.queues,
      next.gateway.shutdown_timeout_ms,
    );
    for (const id of done.removed) {
      // A sink writes to its disk buffer (or its store) only: what it wrote stays there.
      const paths = running.get(id)?.permissions?.write ?? [];
      if (running.get(id)?.role === "sink" && paths.length > 0) {
        this.#log("info", "sink removed: what it had not stored stays on disk", {
          sink: id,
          paths,
        });
      }
    }
    this.current = next;
    this.loadedAt = new Date();
    return { ok: true, ...done };
  }
}

/** The fields of the start-only sections that differ, e.g. "api.port". */
export function startOnlyChanges(current: Config, next: Config): string[] {
  const out: string[] = [];
  for (const section of AT_START) {
    const a = current[section] as Record<string, unknown>;
    const b = next[section] as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (canonical(a[key]) !== canonical(b[key])) out.push(`${section}.${key}`);
    }
  }
  return out;
}

/** What an actor needs that this process was not granted (Deno's permissions are fixed at start). */
function lacking(spec: ActorSpec): string[] {
  const p: ActorPermissions | undefined = spec.permissions;
  if (!p) return [];
  const denied = (d: Deno.PermissionDescriptor) =>
    Deno.permissions.querySync(d).state !== "granted";
  return [
    ...p.net.filter((host) => denied({ name: "net", host })).map((h) => `net access to ${h}`),
    ...p.read.filter((path) => denied({ name: "read", path })).map((f) => `read access to ${f}`),
    ...p.write.filter((path) => denied({ name: "write", path })).map((f) => `write access to ${f}`),
    ...(p.sys && denied({ name: "sys" }) ? ["system information"] : []),
  ].map((what) => `${what} (for ${spec.id})`);
}
