/**
 * The driver kit: everything a driver under actors/ takes from the runtime, through this one file.
 * A driver imports this and the model (src/model/), never the runtime's inner files and never
 * another driver's folder; a test reads the imports and holds every driver to that.
 */
export { actorKinds, defineDriver, type Driver, type DriverPart } from "./kit/driver.ts";
export type { ActorContext, ActorMain, CommandHandler, Output } from "./actor.ts";
export type { Health } from "./health/actor_health.ts";
export { type Command, type Counters, zeroCounters } from "./messages.ts";
export { TagCatalog } from "./frames.ts";
export { Backoff, type BackoffOptions } from "./backoff.ts";
export { fixedRate, type ScheduleStats } from "./kit/schedule.ts";
export { sleep, untilWoken, whenAborted } from "./kit/sleep.ts";
export { unlessAborted } from "./kit/unless_aborted.ts";
export { type Connector, Link, type LinkHooks } from "./kit/link.ts";
export { Histogram, pollStartLag } from "./histogram.ts";
export { Turns } from "./turns.ts";
export type { DiskBuffer, Peeked } from "./disk_buffer.ts";
export { ReadAhead } from "./read_ahead.ts";
export { openBuffer, runBufferedSink } from "./kit/buffered.ts";
export type { PipelineOptions, Row, SinkWriter, Verdict } from "./kit/pipeline/buffered_sink.ts";
export { blockOf, type RowBlock, Rows } from "./kit/pipeline/block.ts";
export { checkTags, type TagIssue } from "./kit/tag_checks.ts";
export { derivedTag, refMatches, TagInputs } from "./kit/tag_inputs.ts";
export { safeUrl } from "./kit/url.ts";
export { type TlsFiles, tlsFiles, type TlsOptions, tlsOptions } from "./kit/tls.ts";
export { type ActorPermissions, bufferDir, endpointOf, unionOf } from "./kit/permissions.ts";
export {
  type TagsByName,
  tagsByName,
  writeRefused,
  type WriteTarget,
  writeTarget,
} from "./kit/write.ts";
export { deadLetter, type DeadLetterActor } from "./kit/dead_letter.ts";
export { forward } from "./kit/ingest/forward.ts";
export { mapMessage, type Mapped } from "./kit/ingest/map.ts";
export { MappedCache } from "./kit/ingest/cache.ts";
export { type HeldStream, TurnAppender } from "./kit/ingest/appender.ts";
export { decodeKept, encodeKept, type KeptMessage } from "./kit/ingest/record.ts";
export { deadLetterMessage } from "./kit/ingest/dead_letter.ts";
export { connectNats, natsEndpoints, type NatsServerConfig } from "./kit/nats.ts";
export { noDebugLog } from "./kit/no_debug_log.ts";
export { noDelay } from "./kit/no_delay.ts";
