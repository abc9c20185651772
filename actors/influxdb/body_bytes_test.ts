import assert from "node:assert/strict";
import { BodyBytes } from "./body_bytes.ts";

Deno.test("pieces of every kind land in order, past the first size, as UTF-8", () => {
  const b = new BodyBytes(4);
  b.bytes(new TextEncoder().encode("m,device=a "));
  b.ascii(String(-1.25e-7));
  b.byte(0x2c);
  b.text('mode="Stufe Ä ✓"');
  b.ascii(" 1700000000123\n");
  assert.equal(
    new TextDecoder().decode(b.view()),
    'm,device=a -1.25e-7,mode="Stufe Ä ✓" 1700000000123\n',
  );
  assert.equal(b.length, b.view().length);
  b.reset();
  b.ascii("next");
  assert.equal(new TextDecoder().decode(b.view()), "next", "reset: the next body starts empty");
});
