import assert from "node:assert/strict";
import { eventually } from "../tests/helpers/net.ts";
import { watchConfig } from "./config_watch.ts";

Deno.test("a saved change is one call; a save with the same text, or another file, is none", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/config.jsonc`;
  await Deno.writeTextFile(file, '{ "devices": {} }');
  const stop = new AbortController();
  let calls = 0;
  const watching = watchConfig(file, () => calls++, stop.signal, 50);
  try {
    // Written the way editors save: a new file renamed over the old one.
    await Deno.writeTextFile(`${file}.tmp`, '{ "devices": { "a": {} } }');
    await Deno.rename(`${file}.tmp`, file);
    await eventually("the change seen", () => calls === 1 ? true : undefined);
    await Deno.writeTextFile(file, '{ "devices": { "a": {} } }'); // same text
    await Deno.writeTextFile(`${dir}/other.csv`, "x");
    await Deno.writeTextFile(file, '{ "devices": { "b": {} } }');
    await eventually("the second change seen", () => calls >= 2 ? true : undefined);
    assert.equal(calls, 2);
  } finally {
    stop.abort();
    await watching;
    await Deno.remove(dir, { recursive: true });
  }
});
