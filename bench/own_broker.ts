// A private Mosquitto for a bench, so a firehose meets neither the machine's broker nor its limits.
import { loopbackPort } from "./ports.ts";

/**
 * Starts a private Mosquitto on a free loopback port with no queue limit and a wide in-flight
 * window (the defaults, 1000 queued and 20 in flight per client, drop or throttle a firehose), and
 * Nagle's algorithm off on its sockets (by default it holds the rest of a burst of small messages
 * to a subscriber until the subscriber's TCP ack, which delayed a batch's tail by a poll or more).
 */
export async function ownBroker(): Promise<{ url: string; child: Deno.ChildProcess }> {
  const port = loopbackPort();
  const conf = await Deno.makeTempFile({ suffix: ".conf" });
  await Deno.writeTextFile(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 1000\npersistence false\nset_tcp_nodelay true\n`,
  );
  const child = new Deno.Command("mosquitto", {
    args: ["-c", conf],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return { url: `mqtt://127.0.0.1:${port}`, child };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill();
  throw new Error("Cannot start a private mosquitto");
}
