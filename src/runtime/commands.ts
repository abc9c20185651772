import type { ErrorInfo } from "../model/errors.ts";
import type { Command, CommandResult } from "./messages.ts";

/** A command refused or failed before an actor answered it. */
export function commandFailed(code: ErrorInfo["code"], message: string): CommandResult {
  return { ok: false, error: { code, stage: "command", message } };
}

/**
 * Commands sent to actors and waiting for their answers: each gets a request number, is answered
 * by the actor's result, by its timeout, or by the actor ending first.
 */
export class PendingCommands {
  #waiting = new Map<number, { id: string; resolve: (r: CommandResult) => void }>();
  #next = 1;

  /** Registers a command to actor `id` and sends it with `post`; resolves with its answer. */
  send(
    id: string,
    command: Command,
    timeoutMs: number,
    post: (request: number) => void,
  ): Promise<CommandResult> {
    const request = this.#next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(request);
        resolve(
          commandFailed(
            "timed_out",
            `Cannot run ${command.op} on ${id}: no answer within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#waiting.set(request, {
        id,
        resolve: (r) => {
          clearTimeout(timer);
          this.#waiting.delete(request);
          resolve(r);
        },
      });
      post(request);
    });
  }

  /** The actor's answer to a request (ignored when it already timed out). */
  answer(request: number, result: CommandResult): void {
    this.#waiting.get(request)?.resolve(result);
  }

  /** Answers every command still waiting on actor `id`: it ended in `state`. */
  actorEnded(id: string, state: string): void {
    for (const w of [...this.#waiting.values()]) {
      if (w.id === id) {
        w.resolve({
          ok: false,
          error: { code: "connection_lost", stage: "command", message: `${id} ${state}` },
        });
      }
    }
  }
}
