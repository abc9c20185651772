import assert from "node:assert/strict";
import { tlsFiles, tlsOptions } from "./tls.ts";

Deno.test("tls options: files read, the peer always checked; an unreadable file named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ca.pem`, "CA");
    assert.deepEqual(await tlsOptions({ ca_file: `${dir}/ca.pem`, server_name: "broker" }), {
      rejectUnauthorized: true,
      ca: "CA",
      servername: "broker",
    });
    assert.deepEqual(await tlsOptions(undefined), { rejectUnauthorized: true });
    await assert.rejects(
      tlsOptions({ cert_file: `${dir}/none.pem`, key_file: `${dir}/none.key` }),
      /Cannot read the TLS certificate file .*none\.pem/,
    );
    assert.deepEqual(tlsFiles({ ca_file: "a", key_file: "k", cert_file: "c" }), ["a", "c", "k"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
