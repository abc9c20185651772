// The layer rules of the code, read from the imports: model ← runtime ← drivers, api → runtime,
// config → model, and main wires everything. Tests, fixtures and benches are not held to them.
import { dirname, join, normalize, relative } from "node:path";

/** A product source file and the repository paths it imports (relative imports only). */
export type ImportGraph = Map<string, string[]>;

/** Where a file sits. */
export type Layer = "model" | "runtime" | "config" | "api" | "driver" | "registry" | "wiring";

/** One broken rule: the importing file, what it imports, and why that is not allowed. */
export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

/** Reads every product .ts file under src/ and actors/ of `root` (tests excluded) and its imports. */
export async function readGraph(root: string): Promise<ImportGraph> {
  const graph: ImportGraph = new Map();
  const walk = async (dir: string): Promise<void> => {
    for await (const e of Deno.readDir(join(root, dir))) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path);
      else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) {
        const text = await Deno.readTextFile(join(root, path));
        const targets = [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(path), m[1])));
        graph.set(path, [...new Set(targets)]);
      }
    }
  };
  await walk("src");
  await walk("actors");
  return graph;
}

/** The layer of a repository path. */
export function layerOf(path: string): Layer {
  if (path.startsWith("src/model/")) return "model";
  if (path.startsWith("src/runtime/")) return "runtime";
  if (path.startsWith("src/config/")) return "config";
  if (path.startsWith("src/api/")) return "api";
  if (path === "actors/registry.ts") return "registry";
  if (path.startsWith("actors/")) return "driver";
  return "wiring"; // src/main.ts, src/gateway.ts, src/worker.ts, src/sim/ … put the parts together
}

const KIT = "src/runtime/kit.ts";

/** Why `file` may not import `target`, or undefined when it may. */
export function brokenRule(file: string, target: string): string | undefined {
  const from = layerOf(file), to = layerOf(target);
  switch (from) {
    case "model":
      return to === "model" ? undefined : "the model depends on nothing";
    case "runtime":
      return to === "runtime" || to === "model"
        ? undefined
        : "the runtime depends on the model only (it knows no driver, no config, no HTTP)";
    case "config":
      return to === "config" || to === "model"
        ? undefined
        : "config depends on the model only (driver schemas are handed in)";
    case "api":
      return to === "api" || to === "runtime" || to === "model"
        ? undefined
        : "the API depends on the runtime and the model only";
    case "driver": {
      const folder = file.split("/")[1];
      if (to === "driver") {
        return target.split("/")[1] === folder
          ? undefined
          : "a driver never imports another driver's files";
      }
      if (to === "model" || target === KIT) return undefined;
      if (to === "runtime") return "a driver takes the runtime through src/runtime/kit.ts only";
      return "a driver depends on the kit and the model only";
    }
    case "registry":
      return /^actors\/[^/]+\/mod\.ts$/.test(target) || target === KIT
        ? undefined
        : "the registry lists the drivers' definitions (actors/<kind>/mod.ts) only";
    case "wiring":
      return undefined;
  }
}

/** Every import that breaks a layer rule, and every import of a file that does not exist. */
export function violations(graph: ImportGraph): Violation[] {
  const out: Violation[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      if (!graph.has(target)) continue; // not product code (a test helper?): another test's job
      const rule = brokenRule(file, target);
      if (rule) out.push({ file, imports: target, rule });
    }
  }
  return out;
}

/** Every import cycle, each as the files on it (strongly connected components of 2+ files). */
export function cycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** A path relative to the repository root, for messages. */
export function shown(root: string, path: string): string {
  return relative(root, path) || path;
}
