import { Quality } from "../../model/sample.ts";
import type { Judged } from "./verdict.ts";
import type { TagStates } from "./tag_states.ts";

/**
 * How a device's data is judged. A device that polls is degraded once `degradedAfter` polls in a
 * row read nothing good (the last error and the count as the reason) and running again at the
 * first good read. A device fed by events (an OPC UA subscription) is degraded while every tag
 * it has read is bad. Otherwise it runs, noting how many tags are bad or stale.
 */
export class DeviceRules {
  /** Polls in a row that read nothing good. */
  consecutive = 0;
  #polls = false;
  #good = 0;
  #bad = 0;
  #lastError = "";
  #shown: { error: string; count: number } | undefined;

  constructor(private readonly degradedAfter: number) {}

  /** Counts a reading of the current poll. */
  reading(quality: number, reason: string | undefined): void {
    if (quality === Quality.bad) {
      this.#bad++;
      if (reason) this.#lastError = reason;
    } else this.#good++;
  }

  /** A poll ended; `failure` when it could not read at all (no connection). */
  polled(failure?: string): void {
    this.#polls = true;
    if (failure !== undefined) this.#lastError = failure;
    if (this.#good > 0) this.consecutive = 0;
    else if (this.#bad > 0 || failure !== undefined) this.consecutive++;
    this.#good = this.#bad = 0;
  }

  judge(tags: TagStates): Judged {
    if (this.#polls && this.consecutive >= this.degradedAfter) {
      // The count as of the change (or of a new error): a reason that changed with every poll
      // would log a state change every poll.
      if (this.#shown?.error !== this.#lastError) {
        this.#shown = { error: this.#lastError, count: this.consecutive };
      }
      const { error, count } = this.#shown;
      return { state: "degraded", reason: `${error} (${count} polls in a row read nothing good)` };
    }
    this.#shown = undefined;
    if (!this.#polls && tags.known > 0 && tags.bad === tags.known) {
      return { state: "degraded", reason: `all ${tags.known} tags bad: ${this.#lastError}` };
    }
    const notes: string[] = [];
    if (tags.bad > 0) notes.push(`${tags.bad} of ${tags.known} tags bad`);
    if (tags.stale > 0) notes.push(`${tags.stale} stale`);
    return { state: "running", reason: notes.length > 0 ? notes.join(", ") : undefined };
  }
}
