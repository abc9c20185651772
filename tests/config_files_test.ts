// Every config file shipped in the repository validates against the schema.
import assert from "node:assert/strict";
import { loadConfig } from "../src/config/load.ts";

const files = [new URL("../config.jsonc", import.meta.url).pathname];
for await (const e of Deno.readDir(new URL("./fixtures/seeds/", import.meta.url))) {
  if (e.name.endsWith(".jsonc")) {
    files.push(new URL(`./fixtures/seeds/${e.name}`, import.meta.url).pathname);
  }
}

for (const file of files) {
  Deno.test(`${file.split("/").slice(-2).join("/")} validates`, async () => {
    const cfg = await loadConfig(file);
    assert.ok(Object.keys(cfg.devices).length > 0);
  });
}
