import assert from "node:assert/strict";
import { Coalescer } from "./coalescer.ts";

function recorder(windowMs: number) {
  const posted: (number | number[])[] = [];
  const c = new Coalescer<number>(
    windowMs,
    (item) => posted.push(item),
    (items) => posted.push(items),
  );
  return { c, posted };
}

Deno.test("no window: every item leaves at once, alone", () => {
  const { c, posted } = recorder(0);
  c.add(1, []);
  c.add(2, []);
  assert.deepEqual(posted, [1, 2]);
});

Deno.test("a window: the first item leaves at once, the next ones together at its end", async () => {
  const { c, posted } = recorder(30);
  c.add(1, []);
  c.add(2, []);
  c.add(3, []);
  assert.deepEqual(posted, [1], "2 and 3 are held");
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => posted.length === 2 && (clearInterval(poll), resolve()), 1);
  });
  assert.deepEqual(posted, [1, [2, 3]]);
});

Deno.test("flush posts what is held in order; discard drops it", () => {
  const { c, posted } = recorder(60_000);
  c.add(1, []);
  c.add(2, []);
  c.flush();
  c.add(3, []);
  c.add(4, []);
  c.discard();
  c.flush();
  assert.deepEqual(posted, [1, 2], "one held item leaves alone; discarded ones never do");
});
