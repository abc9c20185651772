// Every jsonc example in the README is valid config: each one is checked together with the
// examples before it (so a route may name the device and sink defined above it).
import assert from "node:assert/strict";
import { parse } from "jsonc-parser";
import { parseConfig } from "../src/gateway_config.ts";

const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
const examples = [...readme.matchAll(/```jsonc\n([\s\S]*?)```/g)].map((m) => m[1]);
const env = (name: string) =>
  ({ MQTT_USER: "u", MQTT_PASSWORD: "p" } as Record<string, string>)[name];

Deno.test("the README has config examples", () => {
  assert.ok(examples.length >= 5, `found ${examples.length}`);
});

let merged: Record<string, Record<string, unknown>> = {};
examples.forEach((text, i) => {
  const fragment = parse(text) as Record<string, Record<string, unknown>>;
  merged = { ...merged };
  for (const [key, value] of Object.entries(fragment)) {
    merged[key] = Array.isArray(value) ? value : { ...merged[key], ...value };
  }
  const snapshot = JSON.stringify(merged);
  Deno.test(`README config example ${i + 1} validates against the schema`, () => {
    assert.ok(parseConfig(snapshot, `README examples 1–${i + 1}`, env));
  });
});
