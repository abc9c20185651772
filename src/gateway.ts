import { createApi } from "./api/app.ts";
import { AuditLog } from "./runtime/audit.ts";
import { Control } from "./runtime/control.ts";
import type { Config } from "./config/schema.ts";
import { planFromConfig } from "./plan.ts";
import { logger, setLogLevel } from "./runtime/log.ts";
import { Router } from "./runtime/router.ts";
import { Supervisor } from "./runtime/supervisor.ts";
import { profileFor, profileWindowMs } from "./runtime/cpu_profile.ts";
import type { EnvVault } from "./config/env.ts";
import { maskSecrets } from "./config/mask.ts";
import { ConfigReloader } from "./reload.ts";
import {
  cancelHeapSettle,
  SETTLE_AFTER_MS,
  settleHeap,
  settleHeapSoon,
} from "./runtime/settle_heap.ts";
import type { ConfigSource } from "./api/context.ts";

/** A running gateway: actors, router and HTTP API. */
export interface Gateway {
  supervisor: Supervisor;
  router: Router;
  /** Base URL of the HTTP API. */
  url: string;
  /** Reloads the config file (when the gateway was started from one). */
  reloader?: ConfigReloader;
  /** Stops devices, drains sinks within the configured deadline, closes the API. */
  stop(): Promise<boolean>;
}

/** Where the config came from, for reloads: its file and the environment it referred to. */
export interface ConfigOrigin {
  file: string;
  env: EnvVault;
}

/** Starts every actor of the config and serves the API. */
export async function startGateway(
  config: Config,
  workerUrl: URL,
  origin?: ConfigOrigin,
): Promise<Gateway> {
  setLogLevel(config.gateway.log_level);
  const log = logger({ component: "gateway" });
  const plan = planFromConfig(config);
  const router = new Router(plan.routes, plan.queues, config.gateway.channel_capacity);
  const supervisor = new Supervisor(plan.actors, router, {
    workerUrl,
    coalesceMs: config.gateway.coalesce_ms,
    restart: { initialMs: config.gateway.restart.initial_ms, maxMs: config.gateway.restart.max_ms },
    stableMs: Math.max(10_000, 2 * config.gateway.restart.max_ms),
    logLevel: config.gateway.log_level,
  });
  profileThreads(supervisor);
  const audit = await AuditLog.open(config.commands.audit_file);
  const control = new Control(supervisor, router, audit, {
    timeoutMs: config.commands.timeout_ms,
    perTagPerSecond: config.commands.per_tag_per_s,
    globalPerSecond: config.commands.global_per_s,
  });
  const tokens = config.api.tokens;
  if (!Object.values(tokens).some((t) => t.length > 0)) {
    log(
      isLoopback(config.api.host) ? "info" : "warn",
      "writes and restarts are off: no api.tokens",
      {
        host: config.api.host,
      },
    );
  }
  const reloader = origin &&
    new ConfigReloader(origin.file, config, origin.env, { supervisor, router, audit });
  const configSource: ConfigSource = reloader ?? {
    inForce: () => ({
      loaded_at: new Date().toISOString(),
      config: maskSecrets(config, new Map()),
    }),
  };
  const server = Deno.serve(
    { hostname: config.api.host, port: config.api.port, onListen: () => {} },
    createApi({ status: () => supervisor.statuses(), control, config: configSource }, { tokens })
      .fetch,
  );
  const url = `http://${
    config.api.host === "0.0.0.0" ? "127.0.0.1" : config.api.host
  }:${server.addr.port}`;
  for (const a of plan.actors) {
    for (const dir of a.permissions?.dirs ?? []) await Deno.mkdir(dir, { recursive: true });
  }
  // Reading, checking and planning the config is done: its garbage goes before the workers start
  // (they take their memory as the main thread holds the most), and the tags they register after.
  settleHeap();
  await supervisor.start();
  settleHeapSoon(SETTLE_AFTER_MS);
  log("info", "gateway started", { api: url, actors: plan.actors.length });
  return {
    supervisor,
    router,
    url,
    reloader,
    async stop() {
      log("info", "stopping", { deadline_ms: config.gateway.shutdown_timeout_ms });
      cancelHeapSettle();
      const clean = await supervisor.stop(config.gateway.shutdown_timeout_ms);
      await server.shutdown();
      log(
        clean ? "info" : "warn",
        clean ? "stopped: all sinks drained" : "stopped: deadline reached",
      );
      return clean;
    },
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/**
 * With TAGFLOW_CPU_PROFILE_MS and TAGFLOW_CPU_PROFILE_DIR (the benches set them), writes a CPU
 * profile of the main thread and of every worker into that directory, one .cpuprofile file each.
 */
function profileThreads(supervisor: Supervisor): void {
  const ms = profileWindowMs(), dir = Deno.env.get("TAGFLOW_CPU_PROFILE_DIR");
  if (!ms || !dir) return;
  const write = (name: string, profile: unknown) =>
    Deno.writeTextFile(
      `${dir}/${name.replace(/[^\w.-]+/g, "_")}.cpuprofile`,
      JSON.stringify(profile),
    ).catch((err) =>
      logger({ component: "gateway" })("warn", "cannot write a CPU profile", { error: String(err) })
    );
  profileFor(ms, (profile) => write("main", profile));
  supervisor.onProfile = write;
}
