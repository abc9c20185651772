import assert from "node:assert/strict";
import mqtt from "mqtt";
import { noDelay } from "./no_delay.ts";

Deno.test("noDelay sets TCP_NODELAY on an MQTT client's socket to the broker", async () => {
  const client = await mqtt.connectAsync("mqtt://127.0.0.1:1883", { reconnectPeriod: 0 });
  try {
    const socket = client.stream as unknown as { setNoDelay(on: boolean): unknown };
    const calls: boolean[] = [];
    const real = socket.setNoDelay.bind(socket);
    socket.setNoDelay = (on: boolean) => (calls.push(on), real(on));
    noDelay(client);
    assert.deepEqual(calls, [true]);
    await client.publishAsync("tagflow/test/no_delay", "1", { qos: 1 }); // the socket still works
  } finally {
    await client.endAsync();
  }
});

Deno.test("noDelay leaves a stream without setNoDelay alone", () => {
  assert.doesNotThrow(() => noDelay({ stream: {} }));
});
