import type { ErrorInfo } from "../model/errors.ts";
import type { TagMeta } from "../model/tag.ts";
import type { AuditEntry, AuditLog } from "./audit.ts";
import type { LatestSample } from "./latest.ts";
import { RateLimits } from "./rate_limit.ts";
import type { Router } from "./router.ts";
import type { Supervisor } from "./supervisor.ts";
import type { CommandChannel, Refusal, WriteOutcome, WriteRequest } from "./writes.ts";

/** Limits of the command path. */
export interface ControlOptions {
  /** How long a device may take to answer a command. */
  timeoutMs: number;
  /** Commands a second to one tag (a burst of as many). */
  perTagPerSecond: number;
  /** Commands a second in all. */
  globalPerSecond: number;
}

/** A device as the API lists it. */
export interface DeviceView {
  id: string;
  kind: string;
  state: string;
  reason?: string;
  tags: number;
}

/** A tag with its latest value, as the API lists it. */
export interface TagView {
  name: string;
  path: string;
  type: TagMeta["type"];
  unit?: string;
  writable: boolean;
  group?: string;
  value: number | string | boolean | null;
  quality: LatestSample["quality"] | null;
  reason?: string;
  /** When the latest value was taken, ISO 8601; null before the first. */
  ts: string | null;
}

/** An active alarm as the API lists it. */
export interface AlarmView {
  device: string;
  alarm: string;
  path: string;
  /** The active level: hh, h, l, ll or on. */
  level: string;
  severity: number;
  acknowledged: boolean;
  /** When it became active, ISO 8601. */
  since: string;
  /** What made it active. */
  reason?: string;
}

/** A history query as the API takes it: a tag by UNS path or `device/tag`, a range, a size. */
export interface HistoryRequest {
  path: string;
  from: number;
  to: number;
  points: number;
  /** The history sink to ask; default the first. */
  store?: string;
}

/** A history query's answer: the series, or why there is none. */
export type HistoryAnswer =
  | { ok: true; series: unknown }
  | { ok: false; refusal: Refusal; message: string };

/** A restart request's answer. */
export type RestartOutcome =
  | { ok: true; actor: string; duration_ms: number }
  | { ok: false; actor: string; refusal: Refusal; message: string; duration_ms: number };

/**
 * The runtime as the outside sees it: devices and tags with their latest values, and the one
 * guarded path every command takes, whatever channel it came by (REST, MQTT): the device and tag
 * must exist and the tag be writable, the per-tag and global rates hold, then the device's worker
 * gets it (ahead of any queued data: commands do not travel with batches) and its answer, within
 * the timeout, is the outcome. Every command, done or refused, is one line in the audit log.
 */
export class Control {
  readonly #limits: RateLimits;
  /** Per device, the write under way: a device's writes go one at a time (a read-back must not
   * see another write's value); the rate limits bound how many wait. */
  readonly #busy = new Map<string, Promise<unknown>>();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly router: Router,
    readonly audit: AuditLog,
    private readonly opts: ControlOptions,
  ) {
    this.#limits = new RateLimits(opts.perTagPerSecond, opts.globalPerSecond);
    supervisor.onSubmit = (write) => this.write(write);
  }

  /** Every device with its kind, state, reason and number of tags. */
  devices(): DeviceView[] {
    return this.supervisor.actors().filter((a) => a.role === "device").map((a) => {
      const view: DeviceView = {
        id: a.id,
        kind: a.kind,
        state: a.state,
        tags: this.#tagsOf(a.source).length,
      };
      if (a.reason) view.reason = a.reason;
      return view;
    });
  }

  /**
   * A device's tags with their latest values, those its transforms made for it included (a
   * window's mean, an alarm); undefined for an unknown device.
   */
  tags(device: string): TagView[] | undefined {
    const a = this.supervisor.actor(device);
    if (!a || a.role !== "device") return undefined;
    return this.#owned(device).map(([source, index, meta]) => {
      const latest = this.router.latest.get(source, index);
      const value = latest?.value ?? null;
      const view: TagView = {
        name: meta.name,
        path: meta.path,
        type: meta.type,
        writable: meta.writable,
        value: meta.type === "bool" && typeof value === "number" ? value !== 0 : value,
        quality: latest?.quality ?? null,
        ts: latest ? new Date(latest.ts).toISOString() : null,
      };
      if (meta.unit) view.unit = meta.unit;
      if (meta.group) view.group = meta.group;
      if (latest?.reason) view.reason = latest.reason;
      return view;
    });
  }

  /** Writes one tag through the guarded path; the outcome says what was written or why not. */
  async write(req: WriteRequest): Promise<WriteOutcome> {
    const started = performance.now();
    const at = new Date().toISOString();
    const refuse = (refusal: Refusal, message: string): WriteOutcome => ({
      ok: false,
      device: req.device,
      tag: req.tag,
      refusal,
      message,
      duration_ms: elapsed(started),
    });
    const outcome = await (async (): Promise<WriteOutcome> => {
      const where = `${req.device}.${req.tag}`;
      const a = this.supervisor.actor(req.device);
      if (!a || a.role !== "device") {
        return refuse("not_found", `Cannot write ${where}: no device "${req.device}"`);
      }
      // The tag may be the device's own or one a transform made for it (an alarm to acknowledge).
      const found = this.#owned(req.device).find(([, , m]) => m.name === req.tag);
      if (!found) return refuse("not_found", `Cannot write ${where}: no tag "${req.tag}"`);
      const [owner, meta] = [found[3], found[2]];
      if (!meta.writable) {
        return refuse("forbidden", `Cannot write ${where}: the tag is not writable`);
      }
      if (req.invalid) return refuse("bad_value", `Cannot write ${where}: ${req.invalid}`);
      const limited = this.#limits.refuse(`${req.device}\u0000${req.tag}`);
      if (limited) {
        return refuse(
          "rate_limited",
          `Cannot write ${where}: over the ${
            limited === "tag"
              ? `rate of ${this.opts.perTagPerSecond} commands a second to one tag`
              : `rate of ${this.opts.globalPerSecond} commands a second`
          }; try again later`,
        );
      }
      const result = await this.#oneAtATime(req.device, () =>
        this.supervisor.command(
          owner,
          { op: "write", tag: req.tag, value: req.value },
          this.opts.timeoutMs,
        ));
      if (!result.ok) return refuse(refusalOf(result.error), result.error.message);
      const answer = (result.value ?? {}) as {
        written?: unknown;
        status?: string;
        readback?: unknown;
      };
      const done: WriteOutcome = {
        ok: true,
        device: req.device,
        tag: req.tag,
        written: answer.written ?? req.value,
        status: answer.status ?? "Good",
        ts: new Date().toISOString(),
        duration_ms: elapsed(started),
      };
      if (answer.readback !== undefined) done.readback = answer.readback;
      return done;
    })();
    const entry: AuditEntry = {
      ts: at,
      channel: req.channel,
      caller: req.caller,
      action: "write",
      device: req.device,
      tag: req.tag,
      value: req.value,
      outcome: outcome.ok ? "done" : refusedBefore(outcome.refusal) ? "refused" : "failed",
      duration_ms: outcome.duration_ms,
    };
    if (outcome.ok) {
      entry.written = outcome.written;
      if (outcome.readback !== undefined) entry.readback = outcome.readback;
    } else {
      entry.code = outcome.refusal;
      entry.reason = outcome.message;
    }
    this.audit.append(entry);
    return outcome;
  }

  /**
   * Audits a command turned away before it reached this path (no or a wrong token): every
   * command, done or refused, leaves its line.
   */
  refusedAtTheDoor(
    req: Pick<AuditEntry, "channel" | "caller" | "action" | "device" | "tag" | "actor">,
    code: string,
    reason: string,
  ): void {
    this.audit.append({
      ts: new Date().toISOString(),
      ...req,
      outcome: "refused",
      code,
      reason,
      duration_ms: 0,
    });
  }

  /**
   * A range of one tag's history from a history sink (its actor runs the query), the tag named by
   * its UNS path or as `device/tag`.
   */
  async history(req: HistoryRequest): Promise<HistoryAnswer> {
    const stores = this.supervisor.actors().filter((a) =>
      a.role === "sink" && a.kind === "history"
    );
    const store = req.store === undefined ? stores[0] : stores.find((a) => a.id === req.store);
    if (!store) {
      return {
        ok: false,
        refusal: "not_found",
        message: req.store === undefined
          ? "No history: the config routes no device to a history sink"
          : `store: no history sink "${req.store}"`,
      };
    }
    const path = this.#pathOf(req.path);
    if (!path) return { ok: false, refusal: "not_found", message: `path: no tag "${req.path}"` };
    const result = await this.supervisor.command(
      store.id,
      { op: "query", path, from: req.from, to: req.to, points: req.points },
      this.opts.timeoutMs,
    );
    if (!result.ok) {
      return { ok: false, refusal: refusalOf(result.error), message: result.error.message };
    }
    return { ok: true, series: result.value };
  }

  /** The UNS path of a tag named by its path or as `device/tag`; undefined for no such tag. */
  #pathOf(name: string): string | undefined {
    let byDevice: string | undefined;
    for (const a of this.supervisor.actors()) {
      if (a.role !== "device") continue;
      for (const [, meta] of this.#tagsOf(a.source)) {
        if (meta.path === name) return name;
        if (`${a.id}/${meta.name}` === name) byDevice = meta.path;
      }
    }
    return byDevice;
  }

  /** Restarts one actor through the guarded path (audited like a write). */
  async restart(
    req: { channel: CommandChannel; caller: string; actor: string },
  ): Promise<RestartOutcome> {
    const started = performance.now();
    const at = new Date().toISOString();
    const known = this.supervisor.actor(req.actor) !== undefined;
    const result = known
      ? await this.supervisor.restart(req.actor)
      : { ok: false as const, message: `Cannot restart ${req.actor}: no such actor` };
    const outcome: RestartOutcome = result.ok
      ? { ok: true, actor: req.actor, duration_ms: elapsed(started) }
      : {
        ok: false,
        actor: req.actor,
        refusal: known ? "timed_out" : "not_found",
        message: result.message,
        duration_ms: elapsed(started),
      };
    const entry: AuditEntry = {
      ts: at,
      channel: req.channel,
      caller: req.caller,
      action: "restart",
      actor: req.actor,
      outcome: outcome.ok ? "done" : known ? "failed" : "refused",
      duration_ms: outcome.duration_ms,
    };
    if (!outcome.ok) {
      entry.code = outcome.refusal;
      entry.reason = outcome.message;
    }
    this.audit.append(entry);
    return outcome;
  }

  /** Runs `task` once the device's earlier writes are done. */
  async #oneAtATime<T>(device: string, task: () => Promise<T>): Promise<T> {
    const before = this.#busy.get(device) ?? Promise.resolve();
    const mine = before.then(task, task);
    this.#busy.set(device, mine);
    try {
      return await mine;
    } finally {
      if (this.#busy.get(device) === mine) this.#busy.delete(device);
    }
  }

  /**
   * The tags of a device: its own, then those transforms made for it, each with its source, its
   * index there and the actor that answers its writes.
   */
  #owned(device: string): [number, number, TagMeta, string][] {
    const out: [number, number, TagMeta, string][] = [];
    const own = this.supervisor.actor(device);
    if (own?.role === "device") {
      for (const [i, meta] of this.#tagsOf(own.source)) out.push([own.source, i, meta, own.id]);
    }
    for (const a of this.supervisor.actors()) {
      if (a.role !== "transform") continue;
      for (const [i, meta] of this.#tagsOf(a.source)) {
        if (meta.device === device) out.push([a.source, i, meta, a.id]);
      }
    }
    return out;
  }

  /**
   * The alarms active now, from the alarm transforms' tags (`alarms/<name>`, its `severity` and
   * `acknowledged`), most severe first.
   */
  alarms(): AlarmView[] {
    const out: AlarmView[] = [];
    for (const a of this.supervisor.actors()) {
      if (a.role !== "transform" || a.kind !== "alarm") continue;
      const tags = this.#tagsOf(a.source);
      const latest = (name: string, device: string) => {
        const t = tags.find(([, m]) => m.name === name && m.device === device);
        return t ? this.router.latest.get(a.source, t[0]) : undefined;
      };
      for (const [i, meta] of tags) {
        const m = /^alarms\/([^/]+)$/.exec(meta.name);
        if (!m) continue;
        const state = this.router.latest.get(a.source, i);
        if (!state || typeof state.value !== "string" || state.value === "cleared") continue;
        const view: AlarmView = {
          device: meta.device,
          alarm: m[1],
          path: meta.path,
          level: state.value,
          severity: Number(latest(`${meta.name}/severity`, meta.device)?.value ?? 0),
          acknowledged: latest(`${meta.name}/acknowledged`, meta.device)?.value === 1,
          since: new Date(state.ts).toISOString(),
        };
        if (state.reason) view.reason = state.reason;
        out.push(view);
      }
    }
    return out.sort((x, y) => y.severity - x.severity || x.since.localeCompare(y.since));
  }

  #tagsOf(source: number): [number, TagMeta][] {
    return this.router.catalog.of(source);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** Refusals that stop a command before it reaches the device. */
function refusedBefore(r: Refusal): boolean {
  // A value the driver refuses is refused before anything is sent to the device.
  return r === "not_found" || r === "forbidden" || r === "rate_limited" || r === "bad_value";
}

/** What a device's error means for the caller. */
function refusalOf(error: ErrorInfo): Refusal {
  switch (error.code) {
    case "rejected":
    case "bad_config":
      return "bad_value";
    case "connection_failed":
    case "connection_lost":
      return "not_connected";
    case "timed_out":
      return "timed_out";
    default:
      return "device_error";
  }
}
