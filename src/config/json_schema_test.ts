import assert from "node:assert/strict";
import { parse } from "jsonc-parser";
import { configJsonSchema } from "../gateway_config.ts";

const root = new URL("../../", import.meta.url);

Deno.test("the committed config.schema.json matches the zod schema", async () => {
  const committed = await Deno.readTextFile(new URL("config.schema.json", root));
  assert.equal(
    committed,
    configJsonSchema(),
    "config.schema.json is stale: run `deno task schema`",
  );
});

Deno.test('config.jsonc points editors at "./config.schema.json"', async () => {
  const config = parse(await Deno.readTextFile(new URL("config.jsonc", root)));
  assert.equal(config.$schema, "./config.schema.json");
});
