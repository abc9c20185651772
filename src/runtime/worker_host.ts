import { GatewayError, toErrorInfo } from "../model/errors.ts";
import { type ActorContext, type ActorRegistry, Output } from "./actor.ts";
import { batchReceiver, batchSender, TagCatalog } from "./frames.ts";
import { logger, setLogLevel } from "./log.ts";
import { type Counters, type FromActor, type ToActor, zeroCounters } from "./messages.ts";

const COUNTERS_EVERY_MS = 1000;

/** Where the host posts to; `self` in a worker. */
interface Scope {
  postMessage(message: FromActor): void;
  onmessage: ((e: MessageEvent<ToActor>) => void) | null;
  addEventListener(type: string, listener: (e: Event) => void): void;
  close(): void;
}

/** Runs inside a worker: starts the actor named by the first message and reports on it. */
export function hostActor(registry: ActorRegistry, scope = self as unknown as Scope): void {
  const stop = new AbortController();
  let counters: Counters = zeroCounters();
  let failed = false;
  const fail = (err: unknown, stage: string) => {
    if (failed) return;
    failed = true;
    scope.postMessage({ type: "failed", error: toErrorInfo(err, stage) });
  };
  scope.addEventListener("error", (e) => {
    e.preventDefault();
    fail((e as ErrorEvent).error ?? (e as ErrorEvent).message, "uncaught");
  });
  scope.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    fail((e as PromiseRejectionEvent).reason, "unhandled rejection");
  });
  scope.onmessage = (e) => {
    const msg = e.data;
    if (msg.type === "stop") stop.abort(new Error("stopping"));
    else if (msg.type === "start") {
      counters = zeroCounters();
      run(msg).catch((err) => fail(err, "run"));
    }
  };

  async function run(msg: Extract<ToActor, { type: "start" }>): Promise<void> {
    const { spec } = msg;
    setLogLevel(msg.logLevel);
    const load = registry[spec.kind];
    if (!load) {
      throw new GatewayError(
        "bad_config",
        "start",
        `Cannot start ${spec.id}: unknown kind "${spec.kind}"`,
      );
    }
    const main = (await load()).default;
    const log = logger({ actor: spec.id, kind: spec.kind });
    let state = "";
    let stateReason: string | undefined;
    const output = spec.role === "device" && msg.port
      ? new Output(batchSender(msg.port, msg.capacity), msg.source, counters)
      : undefined;
    const tags = new TagCatalog();
    const input = spec.role === "sink" && msg.port
      ? batchReceiver(msg.port, msg.capacity, (frame) => tags.add(frame))
      : undefined;
    const ctx: ActorContext = {
      id: spec.id,
      kind: spec.kind,
      config: spec.config,
      signal: stop.signal,
      counters,
      log,
      output,
      input,
      tags,
      setState(next, reason) {
        if (next === state && reason === stateReason) return;
        state = next;
        stateReason = reason;
        scope.postMessage({ type: "state", state: next, reason });
      },
    };
    const timer = setInterval(
      () => scope.postMessage({ type: "counters", counters }),
      COUNTERS_EVERY_MS,
    );
    try {
      await main(ctx);
    } catch (err) {
      if (!stop.signal.aborted || err !== stop.signal.reason) throw err;
    } finally {
      clearInterval(timer);
    }
    output?.end();
    input?.close();
    scope.postMessage({ type: "stopped", counters });
    scope.close();
  }
}
