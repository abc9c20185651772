import type { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import type { NatsSinkConfig } from "./config.ts";

/** Whether a subject filter (`*` one token, `>` the rest) takes every subject under `prefix`. */
export function covers(filter: string, prefix: string): boolean {
  const f = filter.split("."), t = [...prefix.split("."), ">"];
  for (let i = 0; i < t.length; i++) {
    if (f[i] === ">") return true;
    if (f[i] === undefined || t[i] === ">" || (f[i] !== "*" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

const RETENTION = {
  limits: RetentionPolicy.Limits,
  interest: RetentionPolicy.Interest,
  workqueue: RetentionPolicy.Workqueue,
};

/**
 * Makes the sink's stream when missing (and allowed to), else checks that it takes the sink's
 * subjects; an error names the stream and what is wrong.
 */
export async function ensureStream(
  nc: NatsConnection,
  cfg: NatsSinkConfig,
  timeoutMs: number,
): Promise<void> {
  const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
  const s = cfg.stream;
  const ours = `${cfg.subject_prefix}.>`;
  let subjects: string[];
  try {
    subjects = (await jsm.streams.info(s.name)).config.subjects ?? [];
  } catch (err) {
    if ((err as { code?: number }).code !== 10059) throw err;
    if (!s.create) throw new Error(`stream ${s.name} does not exist and stream.create is false`);
    subjects = s.subjects ?? [ours];
    await jsm.streams.add({
      name: s.name,
      subjects,
      retention: RETENTION[s.retention],
      storage: StorageType.File,
      num_replicas: s.replicas,
      max_age: s.max_age_s * 1e9,
      max_bytes: s.max_bytes,
      duplicate_window: s.duplicate_window_s * 1e9,
    });
  }
  if (!subjects.some((f) => covers(f, cfg.subject_prefix))) {
    throw new Error(
      `stream ${s.name} does not take the subjects ${ours} (it takes ${subjects.join(", ")})`,
    );
  }
}
