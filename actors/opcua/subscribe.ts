import {
  AttributeIds,
  type ClientSession,
  type ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  type DataValue,
  DeadbandType,
  type StatusCode,
  TimestampsToReturn,
} from "node-opcua";
import type { OpcuaDeviceConfig } from "./config.ts";
import { NUMERIC_OPCUA_TYPES } from "./types.ts";
import { chunks, type OpcuaTag } from "./tags.ts";

/** What happens to notifications: a tag's new value, or a tag the server would not monitor. */
export interface ItemSink {
  value(tag: OpcuaTag, dv: DataValue): void;
  refused(tag: OpcuaTag, status: StatusCode): void;
}

/** The monitoring parameters of one tag: its own settings, else the subscription's. */
function parameters(cfg: OpcuaDeviceConfig, tag: OpcuaTag) {
  const sub = cfg.subscription;
  const own = tag.cfg.deadband;
  // The default deadband applies to numbers only; a server refuses it on anything else.
  const band = own === null
    ? undefined
    : own ?? (NUMERIC_OPCUA_TYPES.has(tag.type ?? "") ? sub.deadband : undefined);
  return {
    samplingInterval: tag.cfg.sampling_interval_ms ?? sub.sampling_interval_ms,
    queueSize: tag.cfg.queue_size ?? sub.queue_size,
    discardOldest: true,
    filter: band
      ? new DataChangeFilter({
        trigger: DataChangeTrigger.StatusValue,
        deadbandType: band.type === "absolute" ? DeadbandType.Absolute : DeadbandType.Percent,
        deadbandValue: band.value,
      })
      : null,
  };
}

/**
 * Creates one subscription with a monitored item per tag, in groups of tags that share their
 * parameters, `max_items_per_call` items a request; notifications go to the sink as they come.
 */
export async function subscribe(
  session: ClientSession,
  cfg: OpcuaDeviceConfig,
  tags: OpcuaTag[],
  sink: ItemSink,
): Promise<ClientSubscription> {
  const sub = cfg.subscription;
  const subscription = await session.createSubscription2({
    requestedPublishingInterval: sub.publishing_interval_ms,
    requestedLifetimeCount: 60,
    requestedMaxKeepAliveCount: sub.keepalive_count,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
    priority: 1,
  });
  const sets = new Map<string, { params: ReturnType<typeof parameters>; tags: OpcuaTag[] }>();
  for (const tag of tags) {
    const params = parameters(cfg, tag);
    const band = params.filter && [params.filter.deadbandType, params.filter.deadbandValue];
    const key = JSON.stringify([params.samplingInterval, params.queueSize, band]);
    const set = sets.get(key) ?? sets.set(key, { params, tags: [] }).get(key)!;
    set.tags.push(tag);
  }
  for (const { params, tags: members } of sets.values()) {
    for (const part of chunks(members, sub.max_items_per_call)) {
      const group = await subscription.monitorItems(
        part.map((t) => ({ nodeId: t.nodeId!, attributeId: AttributeIds.Value })),
        params,
        TimestampsToReturn.Both,
      );
      group.on("changed", (_item, dv, i) => sink.value(part[i], dv));
      group.monitoredItems.forEach((item, i) => {
        if (item.statusCode && item.statusCode.value >>> 30 >= 2) {
          sink.refused(part[i], item.statusCode);
        }
      });
    }
  }
  return subscription;
}
