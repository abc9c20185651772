import type * as Pipeline from "./pipeline/buffered_sink.ts";

// The disk buffer and its pipeline load on first use: a worker that buffers nothing (a Modbus
// fleet's) does not carry their code, nor node:zlib's (about 4 MB a worker).
const pipeline = () => import("./pipeline/buffered_sink.ts");

/** Opens an actor's disk buffer from its `buffer` config; see pipeline/buffered_sink.ts. */
export const openBuffer: typeof Pipeline.openBuffer = async (...args) =>
  (await pipeline()).openBuffer(...args);

/** Input → disk buffer → database, for a sink; see pipeline/buffered_sink.ts. */
export const runBufferedSink: typeof Pipeline.runBufferedSink = async (...args) =>
  (await pipeline()).runBufferedSink(...args);
