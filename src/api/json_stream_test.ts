import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonArrayBody } from "./json_stream.ts";

const text = (body: ReadableStream<Uint8Array>) => new Response(body).text();

Deno.test("a streamed JSON array reads as JSON.stringify of the items, whatever the slice size", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.jsonValue(), fc.constant(undefined))),
      fc.integer({ min: 1, max: 7 }),
      async (items, per) => {
        assert.equal(await text(jsonArrayBody(items, per)), JSON.stringify(items));
      },
    ),
  );
});

Deno.test("a streamed JSON array comes in slices of the given number of items", async () => {
  const items = Array.from({ length: 120 }, (_, i) => ({ id: `d${i}` }));
  const chunks: number[] = [];
  for await (const chunk of jsonArrayBody(items, 50)) chunks.push(chunk.length);
  assert.equal(chunks.length, 3);
  let made = 0;
  function* lazy() {
    for (const item of items) yield (made++, item);
  }
  const reader = jsonArrayBody(lazy(), 50).getReader();
  await reader.read();
  assert.ok(made <= 100, `items are made as the slices are read, not at once: ${made} made`);
  await reader.cancel();
  assert.equal(await text(jsonArrayBody([], 50)), "[]");
});
