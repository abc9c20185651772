// A network namespace for fault tests: a host of its own, joined to this one by a veth pair, where
// iptables drops packets (a partition: nothing answers, nothing is refused) or a share of them.
// Needs root and iproute2 + iptables (tests/services.sh installs iptables).

const run = async (cmd: string[]): Promise<void> => {
  const out = await new Deno.Command(cmd[0], { args: cmd.slice(1), stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
};

let made = 0;

/** A namespace with `nsIp` inside and `hostIp` on this side of its veth pair. */
export class Netns {
  private constructor(
    readonly name: string,
    readonly hostIp: string,
    readonly nsIp: string,
    private readonly hostLink: string,
  ) {}

  /** Creates the namespace and its link (a /30 of 10.200.0.0/16 picked from the pid). */
  static async create(): Promise<Netns> {
    const n = (Deno.pid * 7 + made++) % 16_000;
    const name = `tf${Deno.pid}_${made}`;
    const [a, b] = [Math.floor((n * 4) / 256), (n * 4) % 256];
    const host = `10.200.${a}.${b + 1}`, inside = `10.200.${a}.${b + 2}`;
    const link = `vh${n}`, peer = `vn${n}`;
    await run(["ip", "netns", "add", name]);
    try {
      await run(["ip", "link", "add", link, "type", "veth", "peer", "name", peer]);
      await run(["ip", "link", "set", peer, "netns", name]);
      await run(["ip", "addr", "add", `${host}/30`, "dev", link]);
      await run(["ip", "link", "set", link, "up"]);
      await run(["ip", "netns", "exec", name, "ip", "addr", "add", `${inside}/30`, "dev", peer]);
      await run(["ip", "netns", "exec", name, "ip", "link", "set", peer, "up"]);
      await run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"]);
    } catch (err) {
      await run(["ip", "link", "del", link]).catch(() => {});
      await run(["ip", "netns", "del", name]).catch(() => {});
      throw err;
    }
    return new Netns(name, host, inside, link);
  }

  /** A command line run inside the namespace. */
  exec(cmd: string[]): string[] {
    return ["ip", "netns", "exec", this.name, ...cmd];
  }

  /** Drops every packet between the namespace and hostIp:port, both ways (`share` < 1: that share). */
  async drop(port: number, share = 1): Promise<void> {
    for (const rule of this.#rules(port, share)) await run(this.exec(["iptables", "-A", ...rule]));
  }

  /** Lets the packets of `drop(port, share)` through again. */
  async heal(port: number, share = 1): Promise<void> {
    for (const rule of this.#rules(port, share)) await run(this.exec(["iptables", "-D", ...rule]));
  }

  #rules(port: number, share: number): string[][] {
    const chance = share < 1
      ? ["-m", "statistic", "--mode", "random", "--probability", `${share}`]
      : [];
    const to = ["OUTPUT", "-p", "tcp", "-d", this.hostIp, "--dport", `${port}`];
    const from = ["INPUT", "-p", "tcp", "-s", this.hostIp, "--sport", `${port}`];
    return [[...to, ...chance, "-j", "DROP"], [...from, ...chance, "-j", "DROP"]];
  }

  /** Removes the namespace and its link. */
  async destroy(): Promise<void> {
    await run(["ip", "link", "del", this.hostLink]).catch(() => {});
    await run(["ip", "netns", "del", this.name]);
  }
}
