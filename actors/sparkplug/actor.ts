import type { ActorContext } from "../../src/runtime/kit.ts";
import { bufferDir, runBufferedSink } from "../../src/runtime/kit.ts";
import { BdSeqFile } from "./bdseq.ts";
import { Commands } from "./commands.ts";
import type { SparkplugSinkConfig } from "./config.ts";
import { dataWriter } from "./data_writer.ts";
import { DeviceLife } from "./device_life.ts";
import { NodeMetrics } from "./node_metrics.ts";
import { EdgeSession } from "./session.ts";

/**
 * The Sparkplug B sink: the gateway as one edge node, each device a Sparkplug device. Samples go
 * through the sink's disk buffer, so nothing is lost while the broker or the primary host is away:
 * they are sent after the next BIRTH, marked historical.
 */
export default async function sparkplugSink(ctx: ActorContext<SparkplugSinkConfig>): Promise<void> {
  const cfg = {
    ...ctx.config,
    client_id: ctx.config.client_id ?? `${ctx.gateway}-${ctx.id}`,
    edge_node_id: ctx.config.edge_node_id ?? ctx.gateway,
  };
  const metrics = new NodeMetrics(ctx.tags);
  const life = new DeviceLife();
  const bdSeq = new BdSeqFile(`${bufferDir(ctx.id, cfg.buffer)}/bdseq`);
  // deno-lint-ignore prefer-const -- the session and its command handler refer to each other
  let session: EdgeSession;
  const commands = new Commands(ctx, metrics, (why) => session.rebirth(why), cfg.commands);
  session = new EdgeSession(cfg, ctx, metrics, bdSeq, {
    command: (device, payload) => commands.take(device, payload),
    born: () => {
      for (const device of life.dead()) {
        session.publish("DDEATH", device, { timestamp: Date.now(), metrics: [] }).catch(() => {});
      }
    },
  });
  const stop = new AbortController();
  const linked = session.link.run(stop.signal);
  const startedAt = Date.now();
  const writer = dataWriter(
    session,
    metrics,
    life,
    cfg.max_metrics_per_message,
    startedAt,
    ctx.counters,
  );
  try {
    await runBufferedSink(
      ctx,
      { buffer: cfg.buffer, batch: { ...cfg.batch, max_in_flight: 1 } },
      async () => {
        await session.ready(stop.signal);
        if (!session.born) throw new Error("the sink is stopping");
        return writer;
      },
      (batch) => metrics.take(batch),
    );
  } finally {
    stop.abort();
    await linked;
  }
}
