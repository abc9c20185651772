const SERVER = new URL("../fixtures/pymodbus_server.py", import.meta.url).pathname;

/** Debian's python3-pymodbus serving a test profile: a Modbus server no one here wrote. */
export class PymodbusServer {
  #child: Deno.ChildProcess | undefined;
  constructor(readonly port: number, readonly profile: "types" | "seed001", readonly rtu = false) {}

  /** Starts the server and waits until it listens. */
  async start(): Promise<void> {
    const child = new Deno.Command("/usr/bin/python3", {
      args: [SERVER, String(this.port), this.profile, ...(this.rtu ? ["rtu"] : [])],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    this.#child = child;
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("listening")) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error(
          "Cannot start pymodbus: install python3-pymodbus (bash tests/services.sh modbus)",
        );
      }
      seen += value;
    }
    reader.releaseLock();
    child.stdout.cancel().catch(() => {});
  }

  /** Stops the server (the port closes; clients see the connection drop). */
  async stop(): Promise<void> {
    if (!this.#child) return;
    this.#child.kill("SIGKILL");
    await this.#child.status;
    this.#child = undefined;
  }
}

/** Runs Debian's mbpoll once (an independent client) and returns the values it printed. */
export async function mbpoll(
  port: number,
  args: string[],
): Promise<{ code: number; values: string[]; text: string }> {
  const out = await new Deno.Command("mbpoll", {
    args: ["-m", "tcp", "-a", "1", "-1", "-p", String(port), ...args, "127.0.0.1"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const values = [...text.matchAll(/^\[\d+\]:\s+(\S+)/gm)].map((m) => m[1]);
  return { code: out.code, values, text };
}
