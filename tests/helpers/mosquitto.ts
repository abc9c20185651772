import { freePort } from "./net.ts";
/** A message seen by an independent subscriber: Debian's mosquitto_sub. */
export interface Received {
  topic: string;
  payload: string;
}

/**
 * Subscribes to `filter` (ending in `#`) with mosquitto_sub until `count` messages arrived or
 * `timeoutS` passed, and resolves with what came. `ready` resolves once a probe published under
 * the filter came back, so nothing published later can be missed (and rejects, ending the
 * subscription, when no probe came back); probes are not returned. `received` fills as messages
 * arrive; `close` ends the subscription early. With `hex`, each payload comes as hex digits;
 * with `json`, the payload is mosquitto_sub's JSON of the whole message (MQTT 5: retain flag,
 * properties); `args` go to mosquitto_sub and the probe's mosquitto_pub (TLS options, say).
 */
export function subscribe(
  filter: string,
  count: number,
  { port = 1883, timeoutS = 20, hex = false, json = false, args = [] as string[] } = {},
): { ready: Promise<void>; messages: Promise<Received[]>; received: Received[]; close(): void } {
  if (!filter.endsWith("#")) throw new Error(`subscribe: filter must end in #, got ${filter}`);
  const probe = `${filter.slice(0, -1)}__probe`;
  const child = new Deno.Command("mosquitto_sub", {
    args: [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-q",
      "1",
      // hex: binary payloads (Sparkplug B) as hex digits, one message a line.
      // json: MQTT 5, each message as mosquitto_sub's JSON (retain flag, properties, payload).
      ...(hex ? ["-F", "%t %x"] : json ? ["-V", "mqttv5", "-F", "%J"] : ["-v"]),
      ...args,
      "-t",
      filter,
      "-W",
      String(timeoutS),
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // SIGKILL: a subscriber holds nothing to save, and a mosquitto_sub spawned with SIGTERM blocked
  // (its signal mask was seen so in CI) would not end on SIGTERM.
  const close = () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
  };
  let seenProbe = false, ended = false;
  const out: Received[] = [];
  // mosquitto_sub's own -W did not fire once (seen in CI: SIGALRM and SIGTERM were blocked in
  // it, and it slept in CLOSE-WAIT for minutes), so the timeout is also kept here.
  const guard = setTimeout(() => close(), (timeoutS + 5) * 1000);
  const messages = (async () => {
    let buf = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      buf += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (json && !line.startsWith("{")) continue; // not a message (mosquitto_sub's blank line)
        const sp = line.indexOf(" ");
        const topic = json ? JSON.parse(line).topic : sp < 0 ? line : line.slice(0, sp);
        if (topic === probe) seenProbe = true;
        else out.push({ topic, payload: json ? line : line.slice(sp + 1) });
      }
      if (out.length >= count) {
        close();
        break;
      }
    }
    await child.status;
    clearTimeout(guard);
    ended = true;
    return out.slice(0, count);
  })();
  const ready = (async () => {
    // A probe every 100 ms until one comes back: retries, each a new publish.
    for (let i = 0; i < timeoutS * 10 && !seenProbe && !ended; i++) {
      await new Deno.Command("mosquitto_pub", {
        args: ["-h", "127.0.0.1", "-p", String(port), "-t", probe, "-m", '{"probe":1}', ...args],
        stdout: "null",
        stderr: "null",
      }).output();
      await new Promise((r) => setTimeout(r, 100));
    }
    if (seenProbe || out.length >= count) return; // subscribed (or done already)
    const why = ended ? "mosquitto_sub ended" : `not within ${timeoutS} s`;
    close();
    await messages;
    throw new Error(
      `Cannot subscribe to ${filter} on 127.0.0.1:${port}: no probe came back (${why}); ` +
        "is Mosquitto running (bash tests/services.sh mosquitto)?",
    );
  })();
  return { ready, messages, received: out, close };
}

/**
 * A private Mosquitto on its own port, for tests that stop and start the broker. With `stateDir`
 * it keeps sessions and queued messages across a restart (persistence, saved at SIGTERM) and
 * queues without limit (a default broker drops QoS 1 messages past 1,000 queued per client).
 */
export class PrivateBroker {
  #child: Deno.ChildProcess | undefined;

  /** A started broker on a free port that keeps its state in `dir` and queues without limit. */
  static async queueing(dir: string): Promise<PrivateBroker> {
    await Deno.mkdir(dir, { recursive: true });
    const broker = new PrivateBroker(freePort(), dir);
    await broker.start();
    return broker;
  }

  constructor(
    readonly port: number,
    readonly stateDir?: string,
    /** A TLS-only listener with these files; `requireCertificate`: clients must present one. */
    readonly tls?: { ca: string; cert: string; key: string; requireCertificate?: boolean },
  ) {}

  async start(): Promise<void> {
    let args = ["-p", String(this.port)];
    if (this.stateDir || this.tls) {
      const dir = this.stateDir ?? await Deno.makeTempDir({ prefix: "mosquitto-" });
      const conf = `${dir}/mosquitto.conf`;
      await Deno.writeTextFile(
        conf,
        [
          `listener ${this.port} 127.0.0.1`,
          "allow_anonymous true",
          ...(this.stateDir
            ? [
              "persistence true",
              `persistence_location ${this.stateDir}/`,
              "max_queued_messages 0",
            ]
            : []),
          ...(this.tls
            ? [
              `cafile ${this.tls.ca}`,
              `certfile ${this.tls.cert}`,
              `keyfile ${this.tls.key}`,
              `require_certificate ${this.tls.requireCertificate ? "true" : "false"}`,
            ]
            : []),
          // As root, Mosquitto would switch to its own user, who cannot read the state dir or keys.
          ...(Deno.uid() === 0 ? ["user root"] : []),
          "",
        ].join("\n"),
      );
      args = ["-c", conf];
    }
    this.#child = new Deno.Command("mosquitto", {
      args,
      stdout: "null",
      stderr: "null",
    }).spawn();
    for (let i = 0; i < 100; i++) {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port: this.port })).close();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(
      `Cannot start mosquitto on port ${this.port}: is it installed (bash tests/services.sh mosquitto)?`,
    );
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (!this.#child) return;
    this.#child.kill("SIGTERM");
    await this.#child.status;
    this.#child = undefined;
  }
}
