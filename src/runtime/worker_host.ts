import { GatewayError, toErrorInfo } from "../model/errors.ts";
import { Interner } from "../model/intern.ts";
import {
  type ActorContext,
  type ActorMain,
  type ActorRegistry,
  type CommandHandler,
  Output,
} from "./actor.ts";
import { TagCatalog } from "./frames.ts";
import { Fanout } from "./fanout.ts";
import { LatestWriter } from "./latest.ts";
import { MergedInput } from "./merged_input.ts";
import { localPorts } from "./local_port.ts";
import { logger, setLogLevel } from "./log.ts";
import { type CounterTable, KeyList, packCounters } from "./counter_table.ts";
import {
  type Counters,
  type FromActor,
  producesSamples,
  takesSamples,
  type ToActor,
  zeroCounters,
} from "./messages.ts";
import { ReceiptWaiters } from "./receipts.ts";
import { ActorHealth, DEFAULT_HEALTH } from "./health/actor_health.ts";
import { Verdict } from "./health/verdict.ts";
import type { WriteOutcome } from "./writes.ts";

/**
 * How often a worker reports its actors' counters and runs their health checks: four times a
 * second, once a second in a worker of more than 100 actors. At 2,500 Modbus devices a worker,
 * the report and the checks four times a second took a seventh of the worker's CPU.
 */
export function reportEveryMs(actors: number): number {
  return actors > 100 ? 1000 : 250;
}

/** Where the host posts to; `self` in a worker. */
interface Scope {
  postMessage(message: FromActor, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToActor>) => void) | null;
  addEventListener(type: string, listener: (e: Event) => void): void;
}

interface Hosted {
  stop: AbortController;
  counters: Counters;
  onCommand?: CommandHandler;
  health?: ActorHealth;
  /** Sinks and transforms: where their batches arrive, from every worker routed to them. */
  input?: MergedInput;
  tags: TagCatalog;
}

/**
 * Runs inside a worker and hosts any number of actors, each with its own signal, counters and
 * errors: one actor throwing fails only that actor. An error that escapes every actor fails the
 * worker, and the supervisor restarts it with the actors it hosted.
 */
export function hostActors(registry: ActorRegistry, scope = self as unknown as Scope): void {
  const seen = new Set<string>();
  for (const k of registry) {
    const key = `${k.role} ${k.kind}`;
    if (seen.has(key)) throw new Error(`Cannot host actors: two kinds are both ${key}`);
    seen.add(key);
  }
  const actors = new Map<string, Hosted>();
  // A spec arrives cloned: the tags of a thousand devices share a handful of names and types.
  const strings = new Interner();
  const noTags = new TagCatalog(strings);
  // One import per kind: a thousand actors starting at once must not load a module a thousand times.
  const modules = new Map<string, ReturnType<ActorRegistry[number]["load"]>>();
  const receipts = new ReceiptWaiters();
  const latest = new LatestWriter((m) => scope.postMessage(m));
  const fanout = new Fanout({
    onTags: (frame) => post({ type: "tags", frame }),
    onBatch: (batch) => latest.update(batch),
    onReceipt: (r) => receipts.settle(r),
  });
  const submitted = new Map<number, (outcome: WriteOutcome) => void>();
  let nextSubmit = 1;
  const post = (m: FromActor) => scope.postMessage(m);
  let failed = false;
  const failWorker = (err: unknown, stage: string) => {
    if (failed) return;
    failed = true;
    post({ type: "failed", error: toErrorInfo(err, stage) });
  };
  scope.addEventListener("error", (e) => {
    e.preventDefault();
    failWorker((e as ErrorEvent).error ?? (e as ErrorEvent).message, "uncaught");
  });
  scope.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    failWorker((e as PromiseRejectionEvent).reason, "unhandled rejection");
  });
  // Benches ask for a CPU profile of every thread; the module loads only then.
  if (Deno.env.get("TAGFLOW_CPU_PROFILE_MS")) {
    import("./cpu_profile.ts").then(({ profileWindowMs, profileFor }) => {
      const ms = profileWindowMs();
      if (ms) profileFor(ms, (profile) => post({ type: "profile", profile }));
    }).catch(() => {}); // a bench's aid: never the worker's failure
  }
  const counterKeys = new KeyList();
  let counterTable: CounterTable | undefined;
  const report = () => {
    setTimeout(report, reportEveryMs(actors.size));
    if (actors.size === 0) return;
    const now = Date.now();
    for (const a of actors.values()) a.health?.tick(now);
    const table = counterTable = packCounters(actors, counterKeys, counterTable);
    scope.postMessage({ type: "counters", table, links: fanout.figures(), depth: fanout.depth });
  };
  setTimeout(report, reportEveryMs(0));

  scope.onmessage = (e) => {
    const msg = e.data;
    if (msg.type === "output") fanout.coalesceMs = msg.coalesceMs;
    else if (msg.type === "link") fanout.attach(msg.sink, msg.port, msg.capacity, msg.queue);
    else if (msg.type === "local_link") {
      const [out, into] = localPorts();
      fanout.attach(msg.sink, out, msg.capacity, msg.queue);
      const input = actors.get(msg.sink)?.input;
      if (input) input.add(msg.from, into);
      else into.close();
    } else if (msg.type === "unlink") fanout.detach(msg.sink);
    else if (msg.type === "close_link") fanout.close(msg.sink);
    else if (msg.type === "route") fanout.route(msg.source, msg.targets);
    else if (msg.type === "pause_link") fanout.finish(msg.sink);
    else if (msg.type === "end_output") fanout.end().then(() => post({ type: "drained" }));
    else if (msg.type === "input") {
      const input = actors.get(msg.id)?.input;
      if (input) input.add(msg.from, msg.port);
      else msg.port.close();
    } else if (msg.type === "drop_input") actors.get(msg.id)?.input?.drop(msg.from);
    else if (msg.type === "end_input") actors.get(msg.id)?.input?.end();
    else if (msg.type === "start") start(msg);
    else if (msg.type === "stop") actors.get(msg.id)?.stop.abort(new Error("stopping"));
    else if (msg.type === "command") command(msg);
    else if (msg.type === "submitted") {
      submitted.get(msg.request)?.(msg.outcome);
      submitted.delete(msg.request);
    }
  };

  function start(msg: Extract<ToActor, { type: "start" }>): void {
    strings.walk(msg.spec);
    const { id, role } = msg.spec;
    if (role === "device") strings.shareTags(msg.spec.config);
    // Devices take no samples: they share one empty catalog rather than hold one each.
    const tags = takesSamples(role) ? new TagCatalog(strings) : noTags;
    const hosted: Hosted = { stop: new AbortController(), counters: zeroCounters(), tags };
    // The input exists before any port for it arrives (they follow this message).
    if (takesSamples(role)) hosted.input = new MergedInput((frame) => tags.add(frame));
    if (producesSamples(role)) {
      fanout.route(msg.source, msg.targets);
    }
    actors.set(id, hosted);
    run(msg, hosted).then(
      () => post({ type: "stopped", id, counters: hosted.counters }),
      (err) => post({ type: "failed", id, error: toErrorInfo(err, "run") }),
    ).finally(() => {
      if (actors.get(id) === hosted) actors.delete(id);
    });
  }

  async function command(msg: Extract<ToActor, { type: "command" }>): Promise<void> {
    const handler = actors.get(msg.id)?.onCommand;
    const reply = (result: Extract<FromActor, { type: "result" }>["result"]) =>
      post({ type: "result", id: msg.id, request: msg.request, result });
    if (!handler) {
      const message = `Cannot run ${msg.command.op} on ${msg.id}: it takes no commands`;
      return reply({ ok: false, error: { code: "rejected", stage: "command", message } });
    }
    try {
      reply({ ok: true, value: await handler(msg.command) });
    } catch (err) {
      reply({ ok: false, error: toErrorInfo(err, "command") });
    }
  }

  async function run(msg: Extract<ToActor, { type: "start" }>, hosted: Hosted): Promise<void> {
    const { spec } = msg;
    setLogLevel(msg.logLevel);
    const kind = registry.find((k) => k.kind === spec.kind && k.role === spec.role);
    if (!kind) {
      throw new GatewayError(
        "bad_config",
        "start",
        `Cannot start ${spec.id}: no ${spec.role} kind "${spec.kind}"`,
      );
    }
    const key = `${spec.role}:${spec.kind}`;
    let loading = modules.get(key);
    if (!loading) {
      modules.set(key, loading = kind.load());
      loading.catch(() => modules.delete(key)); // a failed import is tried again on restart
    }
    const main = (await loading).default as ActorMain;
    const { counters, stop, tags, input } = hosted;
    const out = producesSamples(spec.role)
      ? new Output(fanout, msg.source, counters, receipts)
      : undefined;
    const verdict = new Verdict((state, reason) =>
      post({ type: "state", id: spec.id, state, reason })
    );
    const health = new ActorHealth(
      spec.role,
      spec.health ?? DEFAULT_HEALTH,
      counters,
      verdict,
      out && ((batch) => {
        if (!out.trySend(batch)) out.send(batch, stop.signal).catch(() => {});
      }),
      msg.source,
    );
    hosted.health = health;
    const ctx: ActorContext = {
      id: spec.id,
      kind: spec.kind,
      config: spec.config,
      gateway: spec.gateway ?? "tagflow",
      uns: spec.uns ?? {},
      signal: stop.signal,
      counters,
      log: logger({ actor: spec.id, kind: spec.kind }),
      output: out,
      input,
      tags,
      setState(next, reason) {
        verdict.connection(next, reason);
      },
      health,
      onCommand(handler) {
        hosted.onCommand = handler;
      },
      submit(write) {
        const request = nextSubmit++;
        return new Promise((resolve) => {
          submitted.set(request, resolve);
          post({ type: "submit", id: spec.id, request, write });
        });
      },
    };
    try {
      await main(ctx);
    } catch (err) {
      if (!stop.signal.aborted || err !== stop.signal.reason) throw err;
    } finally {
      input?.close();
    }
  }
}
