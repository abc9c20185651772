import { V8_FLAGS } from "../../src/v8_flags.ts";
import { eventually } from "./net.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** The permissions `deno task start` grants. */
export const PERMISSIONS = [
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-sys",
];

export { V8_FLAGS };

/** The permissions and V8 flags of `deno task start`; tests run the gateway the same way. */
export const RUN_FLAGS = [...PERMISSIONS, `--v8-flags=${V8_FLAGS}`];

/** The command line of `deno task start` (without the config). */
export const GATEWAY_COMMAND = [Deno.execPath(), "run", ...RUN_FLAGS, MAIN];

/** The gateway running as its own process, as `deno task start` runs it. */
export class GatewayProcess {
  readonly child: Deno.ChildProcess;
  readonly output: Promise<{ stdout: string; stderr: string }>;
  /** The config file was written for this run and is removed at stop. */
  temporary = false;
  /** Where the API answers (the address of a network namespace the gateway runs in). */
  host = "127.0.0.1";

  /** `command` defaults to running src/main.ts with Deno; a compiled binary can stand in. */
  constructor(
    readonly configFile: string,
    readonly apiPort: number,
    env: Record<string, string> = {},
    command: string[] = GATEWAY_COMMAND,
  ) {
    this.child = new Deno.Command(command[0], {
      args: [...command.slice(1), "--config", configFile],
      stdout: "piped",
      stderr: "piped",
      env,
    }).spawn();
    const text = (s: ReadableStream<Uint8Array>) => new Response(s).text();
    this.output = Promise.all([text(this.child.stdout), text(this.child.stderr)])
      .then(([stdout, stderr]) => ({ stdout, stderr }));
  }

  /** Writes the config to a temp file and starts the gateway with it. */
  static async start(
    config: unknown,
    apiPort: number,
    env: Record<string, string> = {},
    command?: string[],
  ): Promise<GatewayProcess> {
    const file = await Deno.makeTempFile({ suffix: ".jsonc" });
    await Deno.writeTextFile(file, JSON.stringify(config, null, 2));
    const gw = new GatewayProcess(file, apiPort, env, command);
    gw.temporary = true;
    return gw;
  }

  get url(): string {
    return `http://${this.host}:${this.apiPort}`;
  }

  /** GET a path of the API; status and parsed JSON body. */
  async get(path: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.url + path);
    return { status: res.status, body: await res.json() };
  }

  /** Waits until /health answers 200; fails at once with its output if the gateway exits. */
  async healthy(withinMs = 20_000): Promise<true> {
    const exited = this.child.status.then(async ({ code }) => {
      const { stderr } = await this.output;
      throw new Error(`the gateway exited with ${code} before /health answered: ${stderr}`);
    });
    const up = eventually(
      "/health 200",
      async () => (await this.get("/health")).status === 200 || undefined,
      withinMs,
    );
    exited.catch(() => {}); // the gateway may exit later, after the wait
    return await Promise.race([up, exited]);
  }

  /** Sends SIGTERM (or SIGINT) and returns the exit code with the output. */
  async stop(
    signal: "SIGTERM" | "SIGINT" = "SIGTERM",
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      this.child.kill(signal);
    } catch { /* already gone */ }
    const { code } = await this.child.status;
    if (this.temporary) await Deno.remove(this.configFile).catch(() => {});
    return { code, ...(await this.output) };
  }
}
