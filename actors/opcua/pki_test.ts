import assert from "node:assert/strict";
import { opcuaDevice } from "./config.ts";
import { isUntrusted, openPki, untrustedAdvice } from "./pki.ts";

const device = (extra: Record<string, unknown>) =>
  opcuaDevice.parse({
    kind: "opcua",
    endpoint: "opc.tcp://127.0.0.1:4840/x",
    tags: [{ name: "t", node_id: "i=2258" }],
    ...extra,
  });

Deno.test("trust on first use only while nothing is trusted; listed certificates are copied", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-pki-" });
  try {
    const first = await openPki(device({ pki_dir: `${dir}/a`, trust_on_first_use: true }));
    assert.equal(first.trustingFirst, true);
    await first.manager.dispose();
    await Deno.writeTextFile(`${dir}/server.pem`, "not really a certificate");
    const listed = await openPki(device({
      pki_dir: `${dir}/a`,
      trust_on_first_use: true,
      trusted_certificates: [`${dir}/server.pem`],
    }));
    assert.equal(listed.trustingFirst, false, "something is trusted now");
    assert.ok(Deno.statSync(`${dir}/a/trusted/certs/server.pem`).isFile);
    await listed.manager.dispose();
    await assert.rejects(
      openPki(device({ pki_dir: `${dir}/b`, trusted_certificates: [`${dir}/missing.pem`] })),
      /Cannot trust .*missing\.pem: .*\(trusted_certificates lists it\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the advice names the newest rejected file and the trusted folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-pki-" });
  try {
    Deno.mkdirSync(`${dir}/rejected`, { recursive: true });
    Deno.writeTextFileSync(`${dir}/rejected/old[aa].pem`, "");
    Deno.utimeSync(`${dir}/rejected/old[aa].pem`, 1, 1);
    Deno.writeTextFileSync(`${dir}/rejected/plc[bb].pem`, "");
    const advice = untrustedAdvice(dir, "opc.tcp://plc:4840");
    assert.match(advice, /^Cannot connect to opc\.tcp:\/\/plc:4840: the server's certificate/);
    assert.ok(advice.includes(`move ${dir}/rejected/plc[bb].pem to ${dir}/trusted/certs/`));
    assert.ok(isUntrusted(new Error("... BadCertificateUntrusted (0x801a0000)")));
    assert.ok(!isUntrusted(new Error("connect ECONNREFUSED")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a certificate both trusted and rejected is trusted: its rejected copy goes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-pki-" });
  try {
    Deno.mkdirSync(`${dir}/trusted/certs`, { recursive: true });
    Deno.mkdirSync(`${dir}/rejected`, { recursive: true });
    for (const d of ["trusted/certs", "rejected"]) {
      Deno.writeTextFileSync(`${dir}/${d}/plc[bb].pem`, "the server's certificate");
    }
    Deno.writeTextFileSync(`${dir}/rejected/other[cc].pem`, "another server");
    Deno.writeTextFileSync(`${dir}/trusted/certs/same[dd].pem`, "one content");
    Deno.writeTextFileSync(`${dir}/rejected/same[dd].pem`, "another content");
    const pki = await openPki(device({ pki_dir: dir }));
    await pki.manager.dispose();
    const rejected = [...Deno.readDirSync(`${dir}/rejected`)].map((e) => e.name).sort();
    assert.deepEqual(rejected, ["other[cc].pem", "same[dd].pem"]);
    assert.ok(Deno.statSync(`${dir}/trusted/certs/plc[bb].pem`).isFile, "the trusted copy stays");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
