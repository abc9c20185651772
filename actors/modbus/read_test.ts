import assert from "node:assert/strict";
import Modbus from "modbus-serial";
import { startModbusSim } from "./sim_server.ts";
import { readOnce } from "./read.ts";
import type { ReadRequest } from "./plan.ts";

const req: ReadRequest = { unit: 1, area: "holding", start: 0, length: 4, tags: [] };

Deno.test("reads forget their settled transactions, and the table starts afresh as ids go round", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const sim = await startModbusSim({ port, profile: "compressor", tickMs: 100 });
  const client = new Modbus.default();
  try {
    await client.connectTCP("127.0.0.1", { port });
    client.setTimeout(2000);
    const internals = client as unknown as {
      _transactions: Record<number, unknown>;
      _port: { _transactionIdWrite: number };
    };
    let fresh = 0;
    for (let i = 0; i < 130; i++) {
      const before = internals._transactions, id = internals._port._transactionIdWrite;
      assert.equal((await readOnce(client, req)).length, 4);
      assert.deepEqual(Object.keys(internals._transactions), [], `after read ${i + 1}`);
      const replaced = internals._transactions !== before;
      assert.equal(replaced, id % 64 === 63, `id ${id}: a fresh table only after ids 63, 127, ...`);
      if (replaced) fresh++;
    }
    assert.equal(fresh, 2);
    const [a, b] = await Promise.all([readOnce(client, req), readOnce(client, req)]);
    assert.equal(a.length + b.length, 8, "reads in flight together still settle");
  } finally {
    await new Promise((done) => client.close(done));
    await sim.close();
  }
});
