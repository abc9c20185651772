import type { ActorContext } from "../actor.ts";

/** What a dead letter names its actor by: a sink's rows, or a source's message. */
export type DeadLetterActor = "sink" | "source";

/**
 * Appends what can never be stored or mapped to `dead_letter.jsonl` in `dir` (the actor's buffer
 * directory), one JSON line per call: `{at, <sink|source>: id, reason, ...what}`, and counts
 * `count` items as `dead_lettered`. Nothing dead-lettered is lost from sight: the file keeps it
 * with the reason, the counter says how much.
 */
export async function deadLetter(
  ctx: Pick<ActorContext, "id" | "counters">,
  dir: string,
  actor: DeadLetterActor,
  count: number,
  reason: string,
  what: Record<string, unknown>,
): Promise<void> {
  ctx.counters.dead_lettered = (ctx.counters.dead_lettered ?? 0) + count;
  const entry = { at: new Date().toISOString(), [actor]: ctx.id, reason, ...what };
  await Deno.writeTextFile(`${dir}/dead_letter.jsonl`, JSON.stringify(entry) + "\n", {
    append: true,
  });
}
