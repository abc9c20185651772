// Templates as a user writes them: 40 presses from one template and a CSV of instances, tags from
// a CSV export, validated as any config; a broken CSV line stops the start with exit code 2 and
// its line number.
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config_file.ts";
import { planFromConfig } from "../../src/plan.ts";
import { RUN_FLAGS } from "../helpers/gateway_process.ts";

const DIR = new URL("../fixtures/templates/", import.meta.url).pathname;
const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

Deno.test("templates: 40 presses from one template and a CSV, tags from a CSV, validated and planned", async () => {
  const config = await loadConfig(`${DIR}presses.jsonc`);
  const presses = Object.entries(config.devices).filter(([id]) => /^press\d\d$/.test(id));
  assert.equal(presses.length, 40);
  const p07 = config.devices.press07 as Record<string, unknown>;
  assert.deepEqual([p07.host, p07.port, p07.unit_id, p07.interval_ms], [
    "127.0.0.1",
    5107,
    3,
    1000,
  ]);
  assert.deepEqual(p07.uns, { line: "press_line_L1" });
  assert.deepEqual((config.devices.press33.uns as { line: string }).line, "press_line_L2");
  const tags = p07.tags as { name: string; scale: number; writable: boolean; unit?: string }[];
  assert.deepEqual(tags.map((t) => t.name), [
    "temperature",
    "pressure",
    "strokes",
    "setpoint",
    "running",
  ]);
  assert.deepEqual([tags[0].scale, tags[0].unit, tags[0].writable], [0.1, "degC", false]);
  assert.equal(tags[3].writable, true, "setpoint: Read/Write");
  const spare = config.devices.press_spare as Record<string, unknown>;
  assert.deepEqual([spare.port, spare.interval_ms], [5099, 5000], "own fields over the template's");
  const plan = planFromConfig(config);
  assert.equal(plan.actors.filter((a) => a.kind === "modbus").length, 41);
});

Deno.test("templates: a broken CSV line stops the start with exit 2, naming the file and line", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, "--config", `${DIR}presses_broken.jsonc`, "--check"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  assert.match(stderr, /devices\.press06\.port: .*\(presses_broken\.csv line 7\)/);
  assert.doesNotMatch(stderr, /press07/, "only the broken line is named");
});
