import type { ActorContext } from "../../actor.ts";
import { deadLetter } from "../dead_letter.ts";

const dec = new TextDecoder();

/** Dead-letters a message that cannot be mapped: its topic, size and first 4 KiB as text. */
export function deadLetterMessage(
  ctx: ActorContext,
  dir: string,
  topic: string,
  payload: Uint8Array,
  reason: string,
): Promise<void> {
  return deadLetter(ctx, dir, "source", 1, reason, {
    topic,
    bytes: payload.length,
    payload: dec.decode(payload.subarray(0, 4096)),
  });
}
