import { CertificateManager, setErrorLogger, setWarningLogger } from "node-opcua";
import type { OpcuaDeviceConfig } from "./config.ts";
import { Quality } from "../../src/model/sample.ts";
import { type ActorContext, tagsByName } from "../../src/runtime/kit.ts";
import { Emitter } from "./emit.ts";
import { pollGroups } from "./poll.ts";
import { opcuaLink } from "./session.ts";
import { subscribe } from "./subscribe.ts";
import { readTypes, readUnits, resolveNamespaces, resolveTags, tagMeta } from "./tags.ts";
import { writeTag } from "./write.ts";

/** OPC UA device actors running in this worker; the last one out disposes the PKI watchers. */
let active = 0;

/**
 * The OPC UA device actor: subscribes to its tags (monitored items with sampling interval, queue
 * and deadband) or read-polls them in groups, maps source time and status to each sample, marks
 * every tag bad while the server is away and subscribes again when it is back, and writes through
 * the command path.
 */
export default async function opcua(ctx: ActorContext<OpcuaDeviceConfig>): Promise<void> {
  const cfg = ctx.config;
  const output = ctx.output!;
  // node-opcua prints multi-line warnings of its own; the actor logs what an operator needs.
  const library = (...args: unknown[]) => ctx.log("debug", "node-opcua", { text: args.join(" ") });
  setWarningLogger(library);
  setErrorLogger(library);
  active++;
  const tags = resolveTags(cfg);
  const subscribed = tags.filter((t) => !t.cfg.group);
  const emit = new Emitter(output, ctx.counters, tags.length, ctx.health);
  let registered = false;
  const register = () => {
    if (registered) return;
    registered = true;
    output.registerTags(tags.map((t) => tagMeta(ctx.uns, ctx.id, t)));
    const unknown = tags.filter((t) => !t.type).map((t) => t.cfg.name);
    if (unknown.length > 0) {
      ctx.log("warn", "tag types unknown: registered as float64", { tags: unknown.slice(0, 20) });
    }
  };
  ctx.counters.reconnects = 0;
  const link = opcuaLink(
    cfg,
    ctx,
    async (session, lost) => {
      const unknown = await resolveNamespaces(session, tags);
      if (!registered) {
        await readTypes(session, tags, cfg.subscription.max_items_per_call);
        await readUnits(session, tags, cfg.subscription.max_items_per_call);
      }
      register();
      for (const t of unknown) {
        const reason = `BadNodeIdUnknown: no namespace ${t.cfg.node_id.split(";")[0].slice(4)}`;
        emit.push(t.index, { ts: Date.now(), value: NaN, quality: Quality.bad, reason });
      }
      const known = subscribed.filter((t) => t.nodeId !== undefined);
      if (known.length === 0) return;
      const subscription = await subscribe(session, cfg, known, {
        value: (t, dv) => emit.notified(t.index, dv, cfg.timestamp),
        refused: (t, status) =>
          emit.push(t.index, {
            ts: Date.now(),
            value: NaN,
            quality: Quality.bad,
            reason: status.name,
          }),
      });
      subscription.on("terminated", () => lost("connection lost: subscription terminated"));
      // News from the subscription, a change or a keep-alive, says its items are current: one
      // whose value did not move (under a deadband, say) is not stale. Without news for three
      // keep-alive periods, the runtime publishes them as stale.
      const every = subscription.publishingInterval * Math.max(1, subscription.maxKeepAliveCount);
      for (const t of known) ctx.health.expect(t.index, every);
      const indices = known.map((t) => t.index);
      const alive = () => ctx.health.alive(indices, Date.now());
      subscription.on("keepalive", alive);
      subscription.on("received_notifications", alive);
    },
    (reason) => {
      register();
      emit.markDown(tags.map((t) => t.index), reason);
    },
  );
  const byName = tagsByName(tags);
  ctx.onCommand((cmd) => writeTag(link.current?.session, byName, ctx.id, cmd));
  try {
    const linked = link.run(ctx.signal);
    await link.firstAttempt;
    await Promise.all([linked, pollGroups(ctx, cfg, tags, () => link.current?.session, emit)]);
    await emit.flush();
  } finally {
    if (--active === 0) await CertificateManager.disposeAll();
  }
}
