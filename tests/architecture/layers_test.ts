import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cycles, type ImportGraph, readGraph, violations } from "./layers.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const graph = await readGraph(root);

Deno.test("the code keeps its layers: model ← runtime ← drivers (through the kit), api → runtime", () => {
  assert.ok(graph.size > 50, `read ${graph.size} files`);
  const broken = violations(graph).map((v) => `${v.file} imports ${v.imports}: ${v.rule}`);
  assert.deepEqual(broken, [], broken.join("\n"));
});

Deno.test("the code has no import cycles", () => {
  const found = cycles(graph).map((c) => c.join(" ⇄ "));
  assert.deepEqual(found, [], found.join("\n"));
});

/** The real tree with one more file, importing what it is given. */
function planted(file: string, imports: string[]): ImportGraph {
  return new Map([...graph, [file, imports]]);
}

Deno.test("a planted import across the layers is caught, each with its rule", () => {
  const cases: [string, string, RegExp][] = [
    ["actors/modbus/planted.ts", "actors/opcua/values.ts", /another driver's files/],
    ["actors/modbus/planted.ts", "src/runtime/router.ts", /through src\/runtime\/kit\.ts only/],
    ["actors/modbus/planted.ts", "src/api/app.ts", /the kit and the model only/],
    ["src/runtime/planted.ts", "actors/registry.ts", /knows no driver/],
    ["src/runtime/planted.ts", "src/api/app.ts", /model only/],
    ["src/model/planted.ts", "src/runtime/kit.ts", /depends on nothing/],
    ["src/config/planted.ts", "actors/modbus/config.ts", /handed in/],
    ["src/api/planted.ts", "src/config/load.ts", /runtime and the model only/],
    ["actors/registry.ts", "actors/modbus/actor.ts", /definitions/],
  ];
  for (const [file, target, rule] of cases) {
    const found = violations(planted(file, [target]));
    assert.equal(found.length, 1, `${file} → ${target}: ${JSON.stringify(found)}`);
    assert.deepEqual([found[0].file, found[0].imports], [file, target]);
    assert.match(found[0].rule, rule);
  }
  // Allowed: a driver's own folder, the kit, the model; main wiring anything.
  for (
    const [file, target] of [
      ["actors/modbus/planted.ts", "actors/modbus/codec.ts"],
      ["actors/modbus/planted.ts", "src/runtime/kit.ts"],
      ["actors/modbus/planted.ts", "src/model/batch.ts"],
      ["src/main.ts", "actors/registry.ts"],
    ]
  ) assert.deepEqual(violations(planted(file, [target])), [], `${file} → ${target}`);
});

Deno.test("a planted cycle is caught", () => {
  const withCycle = new Map(graph);
  withCycle.set("src/model/planted_a.ts", ["src/model/planted_b.ts"]);
  withCycle.set("src/model/planted_b.ts", ["src/model/planted_a.ts"]);
  assert.deepEqual(cycles(withCycle), [["src/model/planted_a.ts", "src/model/planted_b.ts"]]);
});
