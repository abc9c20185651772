import assert from "node:assert/strict";
import { bufferDir, endpointOf, unionOf } from "./permissions.ts";

Deno.test("endpointOf: host and port of each scheme, defaults filled in", () => {
  assert.equal(endpointOf("mqtt://broker.plant"), "broker.plant:1883");
  assert.equal(endpointOf("mqtts://u:p@broker:9883"), "broker:9883");
  assert.equal(endpointOf("postgres://u:secret@db.local/x"), "db.local:5432");
  assert.equal(endpointOf("https://influx:8086/"), "influx:8086");
  assert.equal(endpointOf("opc.tcp://10.0.0.5"), "10.0.0.5:4840");
  assert.equal(endpointOf("http://[::1]:8086"), "[::1]:8086");
  assert.throws(() => endpointOf("gopher://x"), /No default port for gopher:/);
});

Deno.test("unionOf: each list once, sorted; sys if any needs it", () => {
  assert.deepEqual(
    unionOf([
      { net: ["b:1", "a:2"], read: ["d"], write: ["d"] },
      { net: ["a:2"], read: ["e"], write: [], sys: true },
    ]),
    { net: ["a:2", "b:1"], read: ["d", "e"], write: ["d"], sys: true },
  );
  assert.equal(bufferDir("db", {}), "data/buffer/db");
  assert.equal(bufferDir("db", { dir: "/var/tf" }), "/var/tf");
});
