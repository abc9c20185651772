import type { ActorContext } from "../../src/runtime/kit.ts";

const dec = new TextDecoder();

/** Writes a message that cannot be mapped to dead_letter.jsonl in the source's buffer directory. */
export async function deadLetter(
  ctx: ActorContext,
  dir: string,
  topic: string,
  payload: Uint8Array,
  reason: string,
): Promise<void> {
  ctx.counters.dead_lettered = (ctx.counters.dead_lettered ?? 0) + 1;
  const text = dec.decode(payload.subarray(0, 4096));
  const line = JSON.stringify({
    at: new Date().toISOString(),
    source: ctx.id,
    topic,
    reason,
    bytes: payload.length,
    payload: text,
  }) + "\n";
  await Deno.writeTextFile(`${dir}/dead_letter.jsonl`, line, { append: true });
}
