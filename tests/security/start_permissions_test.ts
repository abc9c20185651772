// `deno task start` runs the gateway with allow-lists taken from the config, not blanket flags:
// the hosts and ports of its devices and sinks and the API's address, its data paths to write.
import assert from "node:assert/strict";
import { eventually, freePort } from "../helpers/net.ts";
import { SMALL_FLEET_V8_FLAGS } from "../../src/v8_flags.ts";

const START = new URL("../../src/start.ts", import.meta.url).pathname;

/** The gateway process the launcher started: its pid's child running src/main.ts. */
function childPid(pid: number): number | undefined {
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    const kids = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`).trim();
    for (const kid of kids.split(/\s+/).filter(Boolean)) {
      const args = Deno.readTextFileSync(`/proc/${kid}/cmdline`).split("\0");
      if (args.some((a) => a.endsWith("src/main.ts"))) return Number(kid);
    }
  }
}

/** The command line of the launcher's gateway process. */
const childArgs = (pid: number) => {
  const kid = childPid(pid);
  return kid === undefined ? undefined : Deno.readTextFileSync(`/proc/${kid}/cmdline`).split("\0");
};

Deno.test("deno task start: the gateway runs with the hosts, ports and paths of its config only, its heap settings, two malloc arenas", async () => {
  const dir = await Deno.makeTempDir({ prefix: "start-perms-" });
  const [api, sim, db] = [freePort(), freePort(), freePort()];
  const config = {
    api: { port: api },
    commands: { audit_file: `${dir}/audit.jsonl` },
    simulators: { plc: { kind: "modbus", port: sim, profile: "compressor" } },
    devices: {
      press: {
        kind: "modbus",
        host: "127.0.0.1",
        port: sim,
        tags: [{ name: "t", address: "40001" }],
      },
    },
    sinks: {
      db: {
        kind: "timescaledb",
        url: `postgres://tagflow@db.invalid:${db}/plant`,
        buffer: { dir: `${dir}/db` },
      },
    },
  };
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
  const launcher = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-run",
      START,
      "--config",
      `${dir}/config.json`,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(launcher.stderr).text();
  try {
    await eventually("the device reads", async () => {
      const res = await fetch(`http://127.0.0.1:${api}/api/devices/press/tags`);
      const tags = await res.json() as { quality: string }[];
      return tags[0]?.quality === "good" || undefined;
    });
    const args = childArgs(launcher.pid)!;
    assert.ok(args, "the launcher's child runs src/main.ts");
    const flag = (name: string) => args.find((a) => a === name || a.startsWith(`${name}=`));
    const net = flag("--allow-net")!.slice("--allow-net=".length).split(",");
    assert.deepEqual(
      net.sort(),
      [`127.0.0.1:${api}`, `127.0.0.1:${sim}`, `db.invalid:${db}`].sort(),
    );
    const write = flag("--allow-write")!.slice("--allow-write=".length).split(",");
    assert.deepEqual(write.sort(), [dir, `${dir}/audit.jsonl`, `${dir}/db`].sort());
    assert.ok(flag("--allow-read")!.startsWith("--allow-read="), "reads listed, not all");
    assert.equal(flag("--allow-sys"), undefined, "no driver here needs system information");
    assert.equal(flag("--allow-run"), undefined);
    assert.equal(flag("--allow-all") ?? flag("-A"), undefined);
    assert.equal(
      flag("--v8-flags"),
      `--v8-flags=${SMALL_FLEET_V8_FLAGS}`,
      "the start task's heap settings for a small fleet",
    );
    const env = Deno.readTextFileSync(`/proc/${childPid(launcher.pid)}/environ`).split("\0");
    assert.ok(env.includes("MALLOC_ARENA_MAX=2"), "the start task's allocator setting");
  } finally {
    launcher.kill("SIGTERM");
    const { code } = await launcher.status;
    const err = await stderr;
    await Deno.remove(dir, { recursive: true });
    assert.equal(code, 0, `the launcher passes the gateway's exit code on: ${err.slice(-500)}`);
  }
});
