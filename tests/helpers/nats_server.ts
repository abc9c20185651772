import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { eventually, freePort } from "./net.ts";

const NATS_SERVER = "/usr/sbin/nats-server";

/** A `nats-server -js` of Debian's package on a loopback port, its store in a temp dir. */
export class NatsServer {
  #child: Deno.ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly store: string,
    readonly args: string[],
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts a server; `cluster` makes it one node of a cluster (its name and route ports). */
  static async start(
    cluster?: { name: string; node: string; port: number; routes: number[] },
  ): Promise<NatsServer> {
    const port = freePort();
    const store = await Deno.makeTempDir({ prefix: "nats-" });
    const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", store];
    if (cluster) {
      args.push(
        "--server_name",
        cluster.node,
        "--cluster_name",
        cluster.name,
        "--cluster",
        `nats://127.0.0.1:${cluster.port}`,
        "--routes",
        cluster.routes.map((p) => `nats://127.0.0.1:${p}`).join(","),
      );
    }
    const server = new NatsServer(port, store, args);
    await server.resume();
    return server;
  }

  /** Starts (again) on the same port and store. */
  async resume(): Promise<void> {
    this.#child = new Deno.Command(NATS_SERVER, {
      args: this.args,
      stdout: "null",
      stderr: "null",
    }).spawn();
    await eventually(`nats-server on ${this.port}`, async () => {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
      c.close();
      return true;
    }, 20_000);
  }

  /** Kills the server at once (SIGKILL), keeping its store. */
  async kill(): Promise<void> {
    if (!this.#child) return;
    try {
      this.#child.kill("SIGKILL");
    } catch { /* gone */ }
    await this.#child.status;
    this.#child = undefined;
  }

  async stop(): Promise<void> {
    await this.kill();
    await Deno.remove(this.store, { recursive: true }).catch(() => {});
  }
}

/** Three JetStream servers clustered over loopback routes. */
export async function natsCluster(): Promise<NatsServer[]> {
  const routes = [freePort(), freePort(), freePort()];
  return await Promise.all(routes.map((port, i) =>
    NatsServer.start({
      name: `c${routes[0]}`,
      node: `n${i + 1}`,
      port,
      routes: routes.filter((p) => p !== port),
    })
  ));
}

/** A client of the test's own: `servers` as `host:port`. */
export function natsClient(urls: string[]): Promise<NatsConnection> {
  return connect({
    servers: urls.map((u) => u.replace("nats://", "")),
    ignoreClusterUpdates: true,
  });
}

/** Every message of a stream, read from the start by an ordered consumer: subject and JSON. */
export async function streamMessages(
  nc: NatsConnection,
  stream: string,
): Promise<{ subject: string; body: Record<string, unknown> }[]> {
  const jsm = await jetstreamManager(nc);
  const total = (await jsm.streams.info(stream)).state.messages;
  const out: { subject: string; body: Record<string, unknown> }[] = [];
  if (total === 0) return out;
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push({ subject: m.subject, body: m.json() });
    if (out.length === total) break;
  }
  await messages.close();
  return out;
}
