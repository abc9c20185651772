import assert from "node:assert/strict";
import { decodeKept, encodeKept, type KeptMessage } from "../../src/runtime/kit.ts";
import { digestOf, Redeliveries } from "./redeliveries.ts";

const enc = new TextEncoder();
const message = (packetId: number, text: string, client = 0): KeptMessage => ({
  topic: "plant/m",
  payload: enc.encode(text),
  at: 1,
  client,
  packetId,
});
const digest = (m: KeptMessage) => digestOf(m.topic, m.payload);

Deno.test("records keep each message's connection and packet identifier", () => {
  const back = decodeKept(
    encodeKept([message(7, "a", 2), { topic: "q", payload: enc.encode("b"), at: 2 }]),
  )!;
  assert.deepEqual(back.map((m) => [m.client, m.packetId, m.topic]), [[2, 7, "plant/m"], [
    0,
    0,
    "q",
  ]]);
});

Deno.test("a DUP copy of a stored message is told apart; a new message with a reused id is not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ledger = await Redeliveries.open(dir);
    const a = message(5, '{"n":1}');
    ledger.add([a]);
    assert.equal(ledger.isCopy(0, 5, digest(a), true), true, "sent again, flagged DUP");
    assert.equal(ledger.isCopy(0, 5, digest(a), false), false, "not flagged DUP: a new message");
    assert.equal(ledger.isCopy(0, 5, digest(message(5, '{"n":2}')), true), false, "other content");
    assert.equal(ledger.isCopy(1, 5, digest(a), true), false, "another connection");
    ledger.close();
    // After a crash: the ledger from its file, and the buffer's last record (written, not entered).
    const lost = message(6, '{"n":2}');
    const again = await Redeliveries.open(dir, [lost]);
    assert.equal(again.isCopy(0, 5, digest(a), true), true, "from the file");
    assert.equal(again.isCopy(0, 6, digest(lost), true), true, "from the buffer's last record");
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("only the latest 4,096 messages of a connection are remembered", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ledger = await Redeliveries.open(dir);
    const first = message(1, "x");
    ledger.add([first]);
    for (let id = 2; id <= 4097; id++) ledger.add([message(id, "y")]);
    assert.equal(ledger.isCopy(0, 1, digest(first), true), false, "id 1 forgotten");
    assert.equal(ledger.isCopy(0, 4097, digest(message(4097, "y")), true), true);
    ledger.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
