// A child Deno process of a bench: a simulator, a baseline client or the gateway.
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A child Deno process (in the repo root) whose stdout lines and stderr tail are collected. */
export class Proc {
  readonly child: Deno.ChildProcess;
  /** Stdout lines no waitFor has looked at yet. */
  readonly lines: string[] = [];
  tail = "";
  #wake = () => {};
  constructor(readonly name: string, args: string[], env?: Record<string, string>) {
    this.child = new Deno.Command(Deno.execPath(), {
      args,
      env,
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#pump(this.child.stdout, (text) => {
      this.lines.push(...text.split("\n").filter((l) => l.trim()));
      this.#wake();
    });
    this.#pump(this.child.stderr, (text) => this.tail = (this.tail + text).slice(-3000));
  }
  async #pump(stream: ReadableStream<Uint8Array>, take: (text: string) => void) {
    let partial = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const cut = chunk.lastIndexOf("\n");
      if (cut < 0) partial += chunk;
      else take(partial + chunk.slice(0, cut + 1)), partial = chunk.slice(cut + 1);
    }
    take(partial);
  }
  /** Resolves with the first new JSON stdout line that has `key`; fails on exit or after ms. */
  waitFor(key: string, ms: number): Promise<Record<string, unknown>> {
    return this.#waitLine(`"${key}"`, (obj) => key in obj, ms);
  }
  /** Resolves with the first new JSON stdout line whose text holds `text` (e.g. a log message). */
  waitForText(text: string, ms: number): Promise<Record<string, unknown>> {
    return this.#waitLine(`"${text}"`, (_, line) => line.includes(text), ms);
  }
  async #waitLine(
    what: string,
    test: (obj: Record<string, unknown>, line: string) => boolean,
    ms: number,
  ): Promise<Record<string, unknown>> {
    const deadline = performance.now() + ms;
    let exited = false;
    this.child.status.then(() => (exited = true, this.#wake()));
    while (true) {
      while (this.lines.length) {
        const line = this.lines.shift()!;
        try {
          const obj = JSON.parse(line);
          if (obj && typeof obj === "object" && test(obj, line)) return obj;
        } catch { /* a log line */ }
      }
      if (exited) throw new Error(`${this.name} exited: ${this.tail.trim()}`);
      if (performance.now() > deadline) throw new Error(`${this.name}: no ${what} in ${ms} ms`);
      await new Promise<void>((r) => (this.#wake = r, setTimeout(r, 250)));
    }
  }
  /** SIGTERM, then SIGKILL if it has not exited within ms. */
  async stop(ms = 15_000): Promise<void> {
    const kill = (sig: Deno.Signal) => {
      try {
        this.child.kill(sig);
      } catch { /* already gone */ }
    };
    kill("SIGTERM");
    const timer = setTimeout(() => kill("SIGKILL"), ms);
    await this.child.status;
    clearTimeout(timer);
  }
}

/** `--name value` arguments of a child's command line, in the order given. */
export function cliArgs(values: Record<string, string | number>): string[] {
  return Object.entries(values).flatMap(([name, value]) => [`--${name}`, `${value}`]);
}
