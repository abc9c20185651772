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
  // Long enough for the gateway to drain its sinks (shutdown_timeout_ms, 10 s by default).
  assert.ok(Number(one("TimeoutStopSec")) > 10, "TimeoutStopSec");
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
  const mounted = gw.volumes.map((v) => v.split(":")).find(([, target]) =>
    target === `/app/${config}`
  );
  assert.ok(mounted, `${config} is mounted into /app`);
  assert.ok(await exists(mounted[0].replace(/^\.\//, "")), `${mounted[0]} exists`);
  assert.ok(gw.volumes.some((v) => v.endsWith(":/app/data")), "the data volume");
  assert.ok("gateway-data" in compose.volumes, "a named volume for the data");
});
