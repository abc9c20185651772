import { createHash } from "node:crypto";
import { Quality } from "../../src/model/sample.ts";
import type { RowBlock } from "../../src/runtime/kit.ts";

/** One JetStream message: subject, JSON payload and the id that makes a replay a duplicate. */
export interface NatsMessage {
  subject: string;
  payload: string;
  id: string;
  samples: number;
}

/** A UNS level as a subject token: what NATS reserves (space, `.`, `*`, `>`) becomes `_`. */
const tokenOf = (level: string) => level.replace(/[\s.*>]/g, "_") || "_";

/** The subject of a device's messages: the prefix, then its UNS path's levels as tokens. */
export function subjectOf(prefix: string, devicePath: string): string {
  return [prefix, ...devicePath.split("/").map(tokenOf)].join(".");
}

/**
 * The messages of a buffered block: one per device and time, shaped like the MQTT sink's group
 * payload — `{"timestamp", "node", "path", "values", "errors", "uncertain"}` — so any consumer
 * (and the `nats` source's default mapping) reads it as it reads Neuron's. The id is the subject,
 * the time and a digest of the payload: the same rows give the same id on every replay.
 */
export function messagesOf(prefix: string, block: RowBlock): NatsMessage[] {
  const polls = new Map<string, { path: string; body: Body; samples: number }>();
  // Per path of the block: its device's path and the tag's name, split once.
  const devices = block.paths.map((p) => p.slice(0, Math.max(0, p.lastIndexOf("/"))));
  const tags = block.paths.map((p) => p.slice(p.lastIndexOf("/") + 1));
  let poll: { path: string; body: Body; samples: number } | undefined;
  for (let i = 0; i < block.count; i++) {
    const p = block.path[i], path = devices[p], tag = tags[p], ts = block.ts[i];
    // A poll's rows come together: the map is asked only when the device or time changes.
    if (!poll || poll.path !== path || poll.body.timestamp !== ts) {
      const key = `${path}\u0000${ts}`;
      poll = polls.get(key);
      if (!poll) {
        const node = path.slice(path.lastIndexOf("/") + 1);
        poll = { path, body: { timestamp: ts, node, path, values: {} }, samples: 0 };
        polls.set(key, poll);
      }
    }
    poll.samples++;
    const quality = block.quality[i];
    const reason = block.reasons?.get(i);
    if (quality === Quality.bad) (poll.body.errors ??= {})[tag] = reason ?? "bad";
    else {
      const v = block.value[i];
      poll.body.values[tag] = block.text?.get(i) ?? (Number.isNaN(v) ? null : v);
      if (quality === Quality.uncertain) (poll.body.uncertain ??= {})[tag] = reason ?? "uncertain";
    }
  }
  return [...polls.values()].map(({ path, body, samples }) => {
    const subject = subjectOf(prefix, path);
    const payload = JSON.stringify(body);
    const digest = createHash("sha1").update(payload).digest("base64url").slice(0, 16);
    return { subject, payload, id: `${subject}:${body.timestamp}:${digest}`, samples };
  });
}

interface Body {
  timestamp: number;
  node: string;
  path: string;
  values: Record<string, number | string | null>;
  errors?: Record<string, string>;
  uncertain?: Record<string, string>;
}
