import type { ModbusDeviceConfig, ModbusGroupConfig } from "./config.ts";
import { BatchBuilder } from "../../src/model/batch.ts";
import { Quality } from "../../src/model/sample.ts";
import {
  type ActorContext,
  fixedRate,
  type Health,
  type Link,
  type Output,
  pollStartLag,
  type ScheduleStats,
  tagsByName,
} from "../../src/runtime/kit.ts";
import { decodeRegisters } from "./codec.ts";
import { type ModbusClient, modbusLink } from "./link.ts";
import type { ReadRequest } from "./plan.ts";
import { readAll, type ReadOutcome, readWithRetries } from "./read.ts";
import { ReportFilter } from "./report.ts";
import { engineeringValue, type ModbusTag, type Reading, tagMeta } from "./tags.ts";
import { type Layout, layoutOf } from "./layout.ts";
import { writeTag } from "./write.ts";

/** One poll group: its tags and planned requests (shared by like devices), filter and batch. */
interface Group {
  name: string;
  settings: ModbusGroupConfig;
  tags: readonly ModbusTag[];
  requests: readonly ReadRequest[];
  filter: ReportFilter;
  builder: BatchBuilder;
  /** The link's outage for which the group said every value is bad (the device is gone). */
  reportedOutage: number;
}

function groupsOf(cfg: ModbusDeviceConfig, layout: Layout, source: number): Group[] {
  const settings = (name: string): ModbusGroupConfig =>
    cfg.groups[name] ??
      {
        interval_ms: cfg.interval_ms,
        report: cfg.report,
        deadband: cfg.deadband,
        heartbeat_ms: cfg.heartbeat_ms,
      };
  return [...layout.groups].map(([name, { members, requests }]) => {
    const s = settings(name);
    const own = members.filter((t) => t.cfg.deadband !== undefined);
    const deadbands = own.length > 0
      ? new Map(own.map((t) => [t.index, t.cfg.deadband!]))
      : undefined;
    return {
      name,
      settings: s,
      tags: members,
      requests,
      filter: new ReportFilter({
        mode: s.report,
        deadband: s.deadband,
        heartbeatMs: s.heartbeat_ms,
      }, deadbands),
      builder: new BatchBuilder(source, members.length),
      reportedOutage: 0,
    };
  });
}

/** Where decodeInto has each tag's engineering value written: one object for every poll. */
const reading: Reading = { value: 0, quality: Quality.good };

/**
 * Decodes every tag of a request from its registers into the group's batch, telling the runtime
 * each reading (a tag it had published as stale is reported even when unchanged).
 */
function decodeInto(
  g: Group,
  tags: readonly ModbusTag[],
  req: ReadRequest,
  data: ArrayLike<number>,
  ts: number,
  health: Health,
): void {
  for (const w of req.tags) {
    const t = tags[w.index];
    const at = w.address - req.start;
    let value: number | string, quality: number = Quality.good, reason: string | undefined;
    if (t.bit !== undefined) value = (data[at] >> t.bit) & 1;
    else {
      const r = engineeringValue(
        decodeRegisters(data, at, t.cfg.type, t.order, t.cfg.length),
        t.cfg,
        reading,
      );
      value = r.value, quality = r.quality, reason = r.reason;
    }
    const revived = health.reading(w.index, value, quality, reason, ts);
    if (!g.filter.pass(w.index, ts, value, quality, reason) && !revived) continue;
    if (typeof value === "string") g.builder.pushText(w.index, ts, value, quality as 0, reason);
    else g.builder.push(w.index, ts, value, quality as 0, reason);
  }
}

function markBad(g: Group, req: ReadRequest, ts: number, reason: string, health: Health): void {
  for (const w of req.tags) {
    health.reading(w.index, NaN, Quality.bad, reason, ts);
    if (g.filter.pass(w.index, ts, NaN, Quality.bad, reason)) {
      g.builder.push(w.index, ts, NaN, Quality.bad, reason);
    }
  }
}

/** Takes one request's outcome into the group's batch; the reason when the connection is lost. */
function take(
  g: Group,
  tags: readonly ModbusTag[],
  req: ReadRequest,
  o: ReadOutcome,
  ts: number,
  ctx: ActorContext<ModbusDeviceConfig>,
): string | undefined {
  if (o.ok) {
    ctx.counters.samples_in += req.tags.length;
    decodeInto(g, tags, req, o.data, ts, ctx.health);
    return undefined;
  }
  ctx.counters.errors++;
  markBad(g, req, ts, o.reason, ctx.health);
  return o.connectionLost ? o.reason : undefined;
}

/** Polls one group once and sends what it reports as one batch. */
async function poll(
  g: Group,
  tags: readonly ModbusTag[],
  link: Link<ModbusClient>,
  ctx: ActorContext<ModbusDeviceConfig>,
  output: Output,
  ts: number,
) {
  const client = link.current;
  if (!client) {
    // Say once that every value is bad now, rather than leave the last good one standing.
    if (g.reportedOutage !== link.outages) {
      for (const req of g.requests) markBad(g, req, ts, link.reason, ctx.health);
      g.reportedOutage = link.outages;
    }
    ctx.health.polled(link.reason);
  } else {
    let lost: string | undefined;
    // The common case, one request per poll, without readAll's lanes, promises and array.
    if (g.requests.length === 1) {
      const req = g.requests[0];
      lost = take(g, tags, req, await readWithRetries(client, req, ctx.config.retries), ts, ctx);
    } else {
      const outcomes = await readAll(client, g.requests, ctx.config);
      for (let i = 0; i < outcomes.length; i++) {
        const reason = take(g, tags, g.requests[i], outcomes[i], ts, ctx);
        lost ??= reason;
      }
    }
    ctx.health.polled();
    if (lost !== undefined) link.lost(lost);
  }
  if (g.builder.count === 0) return;
  const batch = g.builder.build();
  if (!output.trySend(batch)) await output.send(batch);
}

/**
 * The Modbus TCP device actor: polls each group at its own fixed rate (phased so a fleet spreads
 * over the interval), coalesces reads per group, reports always or by exception, and takes
 * writes to writable tags through the command path.
 */
export default async function modbus(ctx: ActorContext<ModbusDeviceConfig>): Promise<void> {
  const cfg = ctx.config;
  const output = ctx.output!;
  const layout = layoutOf(cfg, ctx.id);
  const { tags } = layout;
  output.registerAllTags(() => cfg.tags.map((t) => tagMeta(t, ctx.id, ctx.uns)));
  const groups = groupsOf(cfg, layout, output.source);
  for (const g of groups) {
    for (const t of g.tags) ctx.health.expect(t.index, g.settings.interval_ms);
  }
  const link = modbusLink(cfg, ctx);
  const linked = link.run(ctx.signal);
  const byName = tagsByName(tags);
  ctx.onCommand((cmd) => writeTag(link.current, byName, cfg, ctx.id, cmd));
  await link.firstAttempt;
  Object.assign(ctx.counters, { polls: 0, overruns: 0, poll_lag_ms: 0 });
  const stats = ctx.counters as typeof ctx.counters & ScheduleStats;
  await Promise.all(
    groups.map((g) =>
      fixedRate(
        g.settings.interval_ms,
        ctx.signal,
        (ts) => poll(g, tags, link, ctx, output, ts),
        stats,
        {
          spread: true,
          onLag: (lag) => pollStartLag.observe(ctx.counters, lag),
        },
      )
    ),
  );
  await linked;
}
