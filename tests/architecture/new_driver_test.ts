// Adding a driver, shown: a copy of the product gets a toy device kind as one folder under
// actors/ plus one line in actors/registry.ts, nothing else, and the new kind is then in the
// config schema, passes and fails `--check`, is placed by `gateway.placement`, runs, and shows in
// /api/actors with the kind the user wrote.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GatewayProcess, RUN_FLAGS } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { readGraph, violations } from "./layers.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** The toy driver: the whole of what a contributor writes. */
const TOY: Record<string, string> = {
  "actors/toy/mod.ts": `import { defineDriver } from "../../src/runtime/kit.ts";

/** A toy device: counts up, one value per period. */
export default defineDriver({
  kind: "toy",
  role: "device",
  config: async () => (await import("./config.ts")).toyDevice,
  load: () => import("./actor.ts"),
});
`,
  "actors/toy/config.ts": `import { z } from "zod";
import { ms, uns } from "../../src/model/fields.ts";

export const toyDevice = z.strictObject({
  kind: z.literal("toy"),
  period_ms: ms(10).default(100).describe("how often the count goes up"),
  uns: uns.optional(),
});
export type ToyDeviceConfig = z.output<typeof toyDevice>;
`,
  "actors/toy/actor.ts": `import { BatchBuilder } from "../../src/model/batch.ts";
import { Quality } from "../../src/model/sample.ts";
import { unsPath } from "../../src/model/tag.ts";
import { type ActorContext, sleep } from "../../src/runtime/kit.ts";
import type { ToyDeviceConfig } from "./config.ts";

export default async function toy(ctx: ActorContext<ToyDeviceConfig>): Promise<void> {
  const output = ctx.output!;
  const tag = output.registerTags([{
    name: "count",
    device: ctx.id,
    path: unsPath(ctx.uns, ctx.id, "count"),
    type: "float64",
    writable: false,
  }]);
  ctx.setState("running");
  for (let n = 0; !ctx.signal.aborted; n++) {
    const b = new BatchBuilder(output.source, 1);
    b.push(tag, Date.now(), n, Quality.good);
    await output.send(b.build());
    await sleep(ctx.config.period_ms, ctx.signal);
  }
}
`,
  "actors/toy/README.md": '# `kind: "toy"` — a toy device\n\nCounts up every `period_ms`.\n',
};
const REGISTRY_LINE = `  (await import("./toy/mod.ts")).default,\n`;

async function copyTree(from: string, to: string, paths: string[]): Promise<void> {
  for (const p of paths) {
    const info = await Deno.stat(join(from, p));
    if (info.isDirectory) {
      await Deno.mkdir(join(to, p), { recursive: true });
      const names = [];
      for await (const e of Deno.readDir(join(from, p))) names.push(join(p, e.name));
      await copyTree(from, to, names);
    } else await Deno.copyFile(join(from, p), join(to, p));
  }
}

/** Files (under src/, actors/ and deno.json) that differ between two trees, or exist in one only. */
async function changedFiles(a: string, b: string): Promise<string[]> {
  const files = async (root: string) => {
    const out = new Map<string, string>();
    const walk = async (dir: string) => {
      for await (const e of Deno.readDir(join(root, dir))) {
        const p = join(dir, e.name);
        if (e.isDirectory) await walk(p);
        else out.set(p, await Deno.readTextFile(join(root, p)));
      }
    };
    await walk("src");
    await walk("actors");
    out.set("deno.json", await Deno.readTextFile(join(root, "deno.json")));
    return out;
  };
  const [x, y] = await Promise.all([files(a), files(b)]);
  return [...new Set([...x.keys(), ...y.keys()])].filter((p) => x.get(p) !== y.get(p)).sort();
}

Deno.test("a new driver is one folder and one registry line: schema, --check, placement, /api/actors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tagflow-new-driver-" });
  try {
    await copyTree(repo, dir, ["src", "actors", "deno.json", "deno.lock"]);
    await Deno.symlink(join(repo, "node_modules"), join(dir, "node_modules"));
    // The contributor's change: the folder, and one line in the registry.
    for (const [path, text] of Object.entries(TOY)) {
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, path), text);
    }
    const registry = join(dir, "actors/registry.ts");
    const before = await Deno.readTextFile(registry);
    await Deno.writeTextFile(registry, before.replace(/\n\];\n$/, `\n${REGISTRY_LINE}];\n`));
    assert.deepEqual(await changedFiles(repo, dir), [
      "actors/registry.ts",
      ...Object.keys(TOY).sort(),
    ], "nothing else changed");
    const registryDiff = (await Deno.readTextFile(registry)).split("\n").length -
      before.split("\n").length;
    assert.equal(registryDiff, 1, "one line added to the registry");
    assert.deepEqual(violations(await readGraph(dir)), [], "the toy driver keeps the layers");

    const run = async (...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", ...RUN_FLAGS, ...args],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
    };
    // The config schema (and config.schema.json) has the kind.
    const schema = await run("src/gateway_config.ts", "schema.json");
    assert.equal(schema.code, 0, schema.text);
    const json = await Deno.readTextFile(join(dir, "schema.json"));
    assert.ok(json.includes('"const": "toy"'), "config.schema.json offers kind toy");
    assert.ok(json.includes("how often the count goes up"), "with its field's description");

    // --check accepts a toy device and refuses a bad one by path (exit 2).
    const port = freePort();
    const config = {
      gateway: { placement: { toy: 1 } },
      api: { port },
      devices: { t1: { kind: "toy", period_ms: 20 }, t2: { kind: "toy" } },
      sinks: {},
    };
    await Deno.writeTextFile(join(dir, "toy.jsonc"), JSON.stringify(config));
    const ok = await run("src/main.ts", "--config", "toy.jsonc", "--check");
    assert.deepEqual([ok.code, ok.text.trim()], [0, "toy.jsonc: ok"]);
    await Deno.writeTextFile(
      join(dir, "bad.jsonc"),
      JSON.stringify({ devices: { t1: { kind: "toy", period_ms: 1, colour: "red" } } }),
    );
    const bad = await run("src/main.ts", "--config", "bad.jsonc", "--check");
    assert.equal(bad.code, 2, bad.text);
    assert.match(bad.text, /devices\.t1\.period_ms: /);
    assert.match(bad.text, /devices\.t1: unknown field\(s\) "colour"/);

    // It runs, packed into one worker by placement, and /api/actors shows kind "toy".
    const gw = new GatewayProcess(join(dir, "toy.jsonc"), port, {}, [
      Deno.execPath(),
      "run",
      ...RUN_FLAGS,
      join(dir, "src/main.ts"),
    ]);
    try {
      const actors = await eventually("both toys running and counting", async () => {
        const { body } = await gw.get("/api/actors").catch(() => ({ body: [] }));
        const list = body as {
          id: string;
          kind: string;
          role: string;
          worker: string;
          state: string;
          counters: { samples_out: number };
        }[];
        return list.length === 2 &&
            list.every((a) => a.state === "running" && a.counters.samples_out > 2)
          ? list
          : undefined;
      }, 30_000);
      assert.deepEqual(actors.map((a) => [a.id, a.kind, a.role, a.worker]), [
        ["t1", "toy", "device", "device/toy#0"],
        ["t2", "toy", "device", "device/toy#0"],
      ], "placement packed both into the one toy worker");
    } finally {
      const { code, stdout, stderr } = await gw.stop();
      assert.equal(code, 0, stderr);
      assert.ok(!/actor failed/.test(stdout + stderr), stdout + stderr);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
