import assert from "node:assert/strict";
import { BdSeqFile } from "./bdseq.ts";

Deno.test("bdSeq file: each session a new number, kept across instances, wrapping after 255", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/node/bdseq`;
    assert.equal(await new BdSeqFile(path).next(), 0);
    assert.equal(await new BdSeqFile(path).next(), 1, "a new instance (a restart) goes on");
    await Deno.writeTextFile(path, "255\n");
    const f = new BdSeqFile(path);
    assert.deepEqual([await f.next(), await f.next()], [255, 0]);
    await Deno.writeTextFile(path, "garbage");
    assert.equal(await f.next(), 0, "an unreadable number starts again at 0");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
