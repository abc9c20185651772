import assert from "node:assert/strict";
import { createApi } from "./app.ts";
import { WriteBody, WriteManyBody } from "./schemas.ts";

const app = createApi({ status: () => [] });
const doc = await (await app.request("/openapi.json")).json();

Deno.test("/openapi.json lists every API route served, with its method", () => {
  const served = new Set(
    app.routes
      // The document itself and the dashboard's page and files are no API.
      .filter((r) => r.method !== "ALL" && r.path !== "/openapi.json")
      .filter((r) => r.path !== "/" && !r.path.startsWith("/dashboard/"))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
  );
  const documented = new Set(
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`)
    ),
  );
  assert.ok(served.size >= 10, `${served.size} routes`);
  assert.deepEqual([...served].sort(), [...documented].sort());
  for (const needed of ["post /api/devices/{device}/tags/{tag}/write", "get /api/audit"]) {
    assert.ok(documented.has(needed), needed);
  }
});

Deno.test("every request example in the document validates against its schema", () => {
  const schemas = doc.components.schemas as Record<string, { example?: unknown }>;
  const checks: [string, { safeParse(v: unknown): { success: boolean } }][] = [
    ["WriteRequest", WriteBody],
    ["WriteManyRequest", WriteManyBody],
  ];
  for (const [name, schema] of checks) {
    const example = schemas[name]?.example;
    assert.notEqual(example, undefined, `${name} has an example`);
    assert.ok(schema.safeParse(example).success, `${name} example ${JSON.stringify(example)}`);
  }
  // Every path parameter has an example, and every write route says it needs the bearer token.
  type Operation = {
    parameters?: { name: string; example?: unknown; schema?: { example?: unknown } }[];
    security?: unknown;
  };
  for (
    const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)
  ) {
    for (const [method, op] of Object.entries(ops)) {
      for (const p of op.parameters ?? []) {
        assert.ok(
          p.schema?.example !== undefined || p.example !== undefined,
          `${method} ${path} ${p.name}`,
        );
      }
      if (method === "post") assert.deepEqual(op.security, [{ bearer: [] }], `${method} ${path}`);
    }
  }
});
