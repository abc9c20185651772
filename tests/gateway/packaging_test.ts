// The packaging an edge box or a container host takes: the systemd unit, verified by systemd's
// own `systemd-analyze verify`, and the Dockerfile and compose service read as Docker would (no
// Docker engine runs here).
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";

const ROOT = new URL("../../", import.meta.url);
const text = (path: string) => Deno.readTextFile(new URL(path, ROOT));
const exists = (path: string) => Deno.stat(new URL(path, ROOT)).then(() => true, () => false);

/** A unit file's settings: section → key → values (a key may repeat). */
function unitSettings(unit: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let section = new Map<string, string[]>();
  for (const raw of unit.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const head = line.match(/^\[(\w+)\]$/);
    if (head) out.set(head[1], section = new Map());
    else {
      const [key, ...value] = line.split("=");
      section.set(key, [...(section.get(key) ?? []), value.join("=")]);
    }
  }
  return out;
}

Deno.test("systemd: systemd-analyze verify passes on the unit, with its binary in place", async () => {
  const unit = await text("docs/systemd/tagflow.service");
  const exec = unitSettings(unit).get("Service")!.get("ExecStart")![0];
  assert.match(exec, /^\/usr\/local\/bin\/tagflow --config \/etc\/tagflow\/config\.jsonc$/);
  // The binary is not installed here: an executable stands in for it, the arguments kept.
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/tagflow.service`;
    await Deno.writeTextFile(
      file,
      unit.replace("ExecStart=/usr/local/bin/tagflow", `ExecStart=${Deno.execPath()}`),
    );
    const out = await new Deno.Command("/usr/bin/systemd-analyze", {
      args: ["verify", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    const about = stderr.split("\n").filter((l) => l.includes("tagflow.service"));
    assert.equal(out.code, 0, stderr);
    assert.deepEqual(about, [], "no complaint about the unit");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("systemd: hardened, restarted on failure but not on a bad config, state in one place", async () => {
  const s = unitSettings(await text("docs/systemd/tagflow.service")).get("Service")!;
  const one = (key: string) => s.get(key)?.at(-1);
  for (
    const [key, value] of Object.entries({
      DynamicUser: "yes",
      ProtectSystem: "strict",
      ProtectHome: "yes",
      NoNewPrivileges: "yes",
      PrivateTmp: "yes",
      StateDirectory: "tagflow",
      WorkingDirectory: "/var/lib/tagflow",
      ReadWritePaths: "/var/lib/tagflow",
      Restart: "on-failure",
      RestartPreventExitStatus: "2",
      CapabilityBoundingSet: "",
    })
  ) assert.equal(one(key), value, key);
  assert.equal(one("ExecReload"), "/bin/kill -HUP $MAINPID", "reload is SIGHUP: the config reload");
  assert.match(one("EnvironmentFile") ?? "", /^-\/etc\/tagflow\//, "secrets from an env file");
  assert.ok(!s.has("MemoryDenyWriteExecute"), "V8's JIT needs W+X memory");
  assert.deepEqual(
    one("RestrictAddressFamilies")?.split(/\s+/).sort(),
    ["AF_INET", "AF_INET6", "AF_NETLINK", "AF_UNIX"],
    "IP, local sockets and netlink (the box's addresses) only",
  );
  // Long enough for the gateway to drain its sinks (shutdown_timeout_ms, 10 s by default).
  assert.ok(Number(one("TimeoutStopSec")) > 10, "TimeoutStopSec");
});

/** Address families by name, as Linux numbers them. */
const FAMILY: Record<string, number> = { AF_UNIX: 1, AF_INET: 2, AF_INET6: 10, AF_NETLINK: 16 };
/** socket(2) and seccomp(2) by architecture. */
const SYSCALL: Record<string, { socket: number; seccomp: number }> = {
  x86_64: { socket: 41, seccomp: 317 },
  aarch64: { socket: 198, seccomp: 277 },
};

/**
 * Runs, in a Deno of its own, what the gateway asks of the network stack (the OPC UA simulator's
 * `os.networkInterfaces()` for its certificate, a TCP listener) with socket(2) refused for every
 * family but `families`, as systemd's RestrictAddressFamilies= does (a seccomp filter answering
 * EAFNOSUPPORT). Returns the exit code and stderr.
 */
async function underFamilies(families: string[]): Promise<{ code: number; stderr: string }> {
  const child = `
    const [nr, allowed] = JSON.parse(Deno.args[0]);
    const n = allowed.length;
    // ld nr; jeq socket? ; ld args[0]; jeq family → allow …; errno EAFNOSUPPORT; allow
    const prog = [[0x20, 0, 0, 0], [0x15, 0, n + 2, nr.socket], [0x20, 0, 0, 16],
      ...allowed.map((f, i) => [0x15, n - i, 0, f]), [0x06, 0, 0, 0x50000 | 97],
      [0x06, 0, 0, 0x7fff0000]];
    const filter = new DataView(new ArrayBuffer(prog.length * 8));
    prog.forEach(([code, jt, jf, k], i) => {
      filter.setUint16(i * 8, code, true);
      filter.setUint8(i * 8 + 2, jt);
      filter.setUint8(i * 8 + 3, jf);
      filter.setUint32(i * 8 + 4, k, true);
    });
    const fprog = new BigUint64Array([BigInt(prog.length),
      BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(filter.buffer)))]);
    const libc = Deno.dlopen("libc.so.6", {
      prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
      syscall: { parameters: ["i64", "i64", "i64", "pointer"], result: "i64" },
    });
    if (libc.symbols.prctl(38, 1n, 0n, 0n, 0n) !== 0) throw new Error("no_new_privs");
    // SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC: every thread of the process.
    if (libc.symbols.syscall(BigInt(nr.seccomp), 1n, 1n, Deno.UnsafePointer.of(fprog)) !== 0n) {
      throw new Error("seccomp");
    }
    const os = await import("node:os");
    console.log(Object.keys(os.networkInterfaces()).length, "interfaces");
    Deno.listen({ hostname: "127.0.0.1", port: 0 }).close();
  `;
  const args = JSON.stringify([SYSCALL[Deno.build.arch], families.map((f) => FAMILY[f])]);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", child, args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test({
  name: "systemd: the address families the unit allows are enough for the gateway's calls",
  ignore: Deno.build.os !== "linux" || !(Deno.build.arch in SYSCALL),
  async fn() {
    const s = unitSettings(await text("docs/systemd/tagflow.service")).get("Service")!;
    const families = s.get("RestrictAddressFamilies")!.at(-1)!.split(/\s+/);
    for (const f of families) assert.ok(f in FAMILY, `${f}: a family this test knows`);
    const allowed = await underFamilies(families);
    assert.equal(allowed.code, 0, allowed.stderr);
    // The filter bites: without netlink, listing the box's addresses fails as it would in the unit.
    const withoutNetlink = await underFamilies(families.filter((f) => f !== "AF_NETLINK"));
    assert.notEqual(withoutNetlink.code, 0);
    assert.match(withoutNetlink.stderr, /Address family not supported/);
  },
});

/** The Dockerfile's instructions (continuation lines joined), in order. */
async function dockerfile(): Promise<{ op: string; arg: string }[]> {
  const joined = (await text("Dockerfile")).replace(/\\\n/g, " ");
  return joined.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), arg: rest.join(" ") };
    });
}

Deno.test("Dockerfile: denoland/deno, a non-root user, a data volume, /health checked", async () => {
  const steps = await dockerfile();
  const all = (op: string) => steps.filter((s) => s.op === op).map((s) => s.arg);
  assert.match(all("FROM")[0], /^denoland\/deno:/);
  const user = all("USER").at(-1);
  assert.ok(user && user !== "root" && user !== "0", `runs as ${user}`);
  assert.ok(all("VOLUME").some((v) => v.includes("/app/data")), "data volume");
  assert.match(all("HEALTHCHECK")[0] ?? "", /fetch\('http:\/\/127\.0\.0\.1:8080\/health'\)/);
  assert.equal(all("WORKDIR")[0], "/app");
  // Every file copied in is in the repo, and the default config is one of them.
  const copied: string[] = [];
  for (const arg of all("COPY")) {
    const parts = arg.split(/\s+/);
    for (const src of parts.slice(0, -1)) {
      assert.ok(await exists(src), `COPY ${src}: in the repo`);
      copied.push(src.replace(/\/$/, ""));
    }
  }
  const cmd = JSON.parse(all("CMD")[0]) as string[];
  const config = cmd[cmd.indexOf("--config") + 1];
  assert.ok(copied.includes(config), `the default config ${config} is copied into the image`);
  assert.deepEqual(JSON.parse(all("ENTRYPOINT")[0]), ["deno", "task", "start"]);
  for (const dir of ["src", "actors"]) assert.ok(copied.includes(dir), `${dir}/ copied`);
});

Deno.test(".dockerignore keeps the host's packages and data out of the image", async () => {
  const ignored = (await text(".dockerignore")).split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  for (const path of ["node_modules", "data", ".git"]) assert.ok(ignored.includes(path), path);
  for (const copied of ["src", "actors", "deno.json", "deno.lock", "config.jsonc"]) {
    assert.ok(!ignored.includes(copied), `${copied} is not ignored: the image copies it`);
  }
});

Deno.test("compose: the gateway is built from the Dockerfile and its config is in the container", async () => {
  const compose = parseYaml(await text("compose.yaml"));
  const gw = compose.services.gateway as {
    build: { context: string };
    command: string[];
    volumes: string[];
  };
  assert.equal(gw.build.context, ".");
  assert.ok(await exists("Dockerfile"));
  const config = gw.command[gw.command.indexOf("--config") + 1];
  // The image leaves tests/ out (.dockerignore): the config comes in by a bind mount of the file
  // or of a folder holding it, read-only.
  const mounted = gw.volumes.map((v) => v.split(":")).find(([host, target]) =>
    host.startsWith("./") &&
    (`/app/${config}` === target || `/app/${config}`.startsWith(`${target}/`))
  );
  assert.ok(mounted, `${config} is mounted into /app`);
  const [host, target, mode] = mounted;
  const file = `${host.slice(2)}${`/app/${config}`.slice(target.length)}`;
  assert.equal(file, config, "mounted where the checkout has it (its relative $schema holds)");
  assert.ok(await exists(file), `${file} exists`);
  assert.equal(mode, "ro", "mounted read-only");
  assert.ok(gw.volumes.some((v) => v.endsWith(":/app/data")), "the data volume");
  assert.ok("gateway-data" in compose.volumes, "a named volume for the data");
});
