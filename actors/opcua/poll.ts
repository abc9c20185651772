import { AttributeIds, type ClientSession } from "node-opcua";
import type { OpcuaDeviceConfig } from "./config.ts";
import { Quality } from "../../src/model/sample.ts";
import { type ActorContext, fixedRate, type ScheduleStats } from "../../src/runtime/kit.ts";
import type { Emitter } from "./emit.ts";
import { chunks, type OpcuaTag } from "./tags.ts";
import { readingOf } from "./values.ts";

/**
 * Read-polls the tags of each configured group at its own fixed rate, for servers that limit
 * subscriptions. Without a session a poll does nothing: the link has marked the tags bad.
 */
export function pollGroups(
  ctx: ActorContext,
  cfg: OpcuaDeviceConfig,
  tags: OpcuaTag[],
  session: () => ClientSession | undefined,
  emit: Emitter,
): Promise<unknown> {
  Object.assign(ctx.counters, { polls: 0, overruns: 0, poll_lag_ms: 0 });
  const stats = ctx.counters as typeof ctx.counters & ScheduleStats;
  return Promise.all(
    Object.entries(cfg.groups).map(([name, group]) => {
      const inGroup = tags.filter((t) => t.cfg.group === name);
      for (const t of inGroup) ctx.health.expect(t.index, group.interval_ms);
      const poll = async () => {
        const s = session();
        const members = inGroup.filter((t) => t.nodeId !== undefined);
        if (!s || members.length === 0) return;
        for (const part of chunks(members, cfg.subscription.max_items_per_call)) {
          try {
            const values = await s.read(
              part.map((t) => ({ nodeId: t.nodeId!, attributeId: AttributeIds.Value })),
              0,
            );
            const now = Date.now();
            values.forEach((dv, i) => emit.push(part[i].index, readingOf(dv, cfg.timestamp, now)));
          } catch (err) {
            // A failed read on a live session is that request's failure, not the connection's.
            ctx.counters.errors++;
            const reason = `read failed: ${(err as Error).message.split("\n")[0]}`;
            const now = Date.now();
            for (const t of part) {
              emit.push(t.index, { ts: now, value: NaN, quality: Quality.bad, reason });
            }
          }
        }
      };
      return fixedRate(group.interval_ms, ctx.signal, poll, stats, {
        spread: true,
      });
    }),
  );
}
