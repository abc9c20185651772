// Least privilege: a worker gets only what its actors declare. An actor allowed one host and one
// directory connects and reads there, and is refused (NotCapable) at another port, another
// directory, a write outside its own, and a subprocess.
import assert from "node:assert/strict";
import { Router } from "../../src/runtime/router.ts";
import { Supervisor } from "../../src/runtime/supervisor.ts";
import { eventually } from "../helpers/net.ts";

Deno.test("a worker's actor reaches its own host and directory, and is refused elsewhere", async () => {
  const own = await Deno.makeTempDir({ prefix: "own-" });
  const other = await Deno.makeTempDir({ prefix: "other-" });
  await Deno.writeTextFile(`${own}/mine.txt`, "mine");
  await Deno.writeTextFile(`${other}/theirs.txt`, "theirs");
  const allowed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const denied = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l: Deno.Listener) => (l.addr as Deno.NetAddr).port;
  (async () => {
    for await (const c of allowed) c.close();
  })();
  (async () => {
    for await (const c of denied) c.close();
  })();
  const sup = new Supervisor(
    [{
      id: "probe",
      kind: "prober",
      role: "device",
      config: {
        connect: { own: port(allowed), other: port(denied) },
        read: { own: `${own}/mine.txt`, other: `${other}/theirs.txt`, etc: "/etc/hostname" },
        write: { own: `${own}/new.txt`, other: `${other}/new.txt` },
      },
      permissions: { net: [`127.0.0.1:${port(allowed)}`], read: [own], write: [own] },
    }],
    new Router(new Map([["probe", []]]), new Map(), 8),
    {
      workerUrl: new URL("../fixtures/test_worker.ts", import.meta.url),
      restart: { initialMs: 100, maxMs: 1000 },
      stableMs: 10_000,
      logLevel: "error",
    },
  );
  try {
    await sup.start();
    const counters = await eventually("the probe ran", () => {
      const a = sup.status().find((s) => s.id === "probe")!;
      if (a.state === "failed") throw new Error(a.reason);
      return a.state === "running" && "spawn" in a.counters ? a.counters : undefined;
    });
    assert.deepEqual(
      {
        connect_own: counters.connect_own,
        connect_other: counters.connect_other,
        read_own: counters.read_own,
        read_other: counters.read_other,
        read_etc: counters.read_etc,
        write_own: counters.write_own,
        write_other: counters.write_other,
        spawn: counters.spawn,
      },
      {
        connect_own: 1,
        connect_other: 0,
        read_own: 1,
        read_other: 0,
        read_etc: 0,
        write_own: 1,
        write_other: 0,
        spawn: 0,
      },
    );
    assert.equal(await Deno.readTextFile(`${own}/new.txt`), "x");
    await assert.rejects(Deno.stat(`${other}/new.txt`), Deno.errors.NotFound);
  } finally {
    await sup.stop(1000);
    allowed.close();
    denied.close();
    await Deno.remove(own, { recursive: true });
    await Deno.remove(other, { recursive: true });
  }
});
