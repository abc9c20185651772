// Every config file shipped in the repository validates against the schema.
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config_file.ts";
import { V8_FLAGS } from "../helpers/gateway_process.ts";

const files = [new URL("../../config.jsonc", import.meta.url).pathname];
for await (const e of Deno.readDir(new URL("../fixtures/seeds/", import.meta.url))) {
  if (e.name.endsWith(".jsonc")) {
    files.push(new URL(`../fixtures/seeds/${e.name}`, import.meta.url).pathname);
  }
}

for (const file of files) {
  Deno.test(`${file.split("/").slice(-2).join("/")} validates`, async () => {
    const cfg = await loadConfig(file);
    assert.ok(Object.keys(cfg.devices).length > 0);
  });
}

Deno.test("deno.json: start and compile pass the V8 flags the tests and benches run the gateway with", async () => {
  const { tasks } = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  assert.ok(tasks.compile.includes(`--v8-flags=${V8_FLAGS} `), `compile: ${tasks.compile}`);
  // start runs the launcher, which runs the gateway with them (and with the config's allow-lists).
  assert.match(tasks.start, /src\/start\.ts$/);
  const launcher = await Deno.readTextFile(new URL("../../src/start.ts", import.meta.url));
  assert.ok(
    launcher.includes("...v8Args(env, devices)"),
    "src/start.ts passes the flags for the fleet (v8Args)",
  );
});
