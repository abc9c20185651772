// Security against the simulator in its own process: SignAndEncrypt (and Sign) with a username
// under each policy, a server certificate refused until the operator does what the error says,
// trust on first use, an X.509 user certificate, and a wrong password.
import assert from "node:assert/strict";
import { basename } from "node:path";
import { eventually, freePort } from "../helpers/net.ts";
import { type Rig, startRig } from "../helpers/opcua_rig.ts";
import { OpcuaSimProcess } from "../helpers/opcua_sim_process.ts";

const USER = { type: "username", username: "operator", password: "s3cret" };
const TAGS = [{ name: "temperature", node_id: "ns=1;s=Compressor2.Temperature" }];

async function goodTemperature(rig: Rig): Promise<void> {
  // A secure channel costs RSA work on both sides: on a machine busy with the whole suite it
  // can take a while (seen: more than 20 s once), so this waits longer than the default.
  await eventually("a good temperature", async () => {
    const s = (await rig.dump())["c2/temperature"]?.samples.at(-1);
    return s?.quality === "good" || undefined;
  }, 60_000);
}

/** Waits until the device is degraded for the expected reason; fails naming the last one seen. */
async function refusedBecause(rig: Rig, why: RegExp): Promise<void> {
  let seen: string | undefined;
  await eventually(`degraded because ${why}`, () => {
    const s = rig.status();
    if (s.state === "degraded") seen = s.reason;
    return why.test(seen ?? "") || undefined;
  }).catch((err) => assert.fail(`${err.message}; last reason: ${seen}`));
}

Deno.test("opcua security: policies and modes with a username, trust lists, refusals", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-security-" });
  const sim = new OpcuaSimProcess({
    port: freePort(),
    pkiDir: `${dir}/sim`,
    users: { operator: "s3cret" },
  });
  await sim.start();
  const base = {
    endpoint: sim.endpoint,
    reconnect: { initial_ms: 100, max_ms: 300 },
    subscription: { publishing_interval_ms: 100, sampling_interval_ms: 50 },
    tags: TAGS,
  };
  try {
    for (
      const [policy, mode] of [
        ["Basic256Sha256", "SignAndEncrypt"],
        ["Aes128_Sha256_RsaOaep", "Sign"],
        ["Aes256_Sha256_RsaPss", "SignAndEncrypt"],
      ]
    ) {
      await t.step(`${policy} ${mode} with a username, the server trusted by config`, async () => {
        const rig = await startRig({
          ...base,
          security_policy: policy,
          security_mode: mode,
          auth: USER,
          pki_dir: `${dir}/gw-${policy}`,
          trusted_certificates: [sim.certificateFile],
        });
        try {
          await goodTemperature(rig);
        } finally {
          await rig.stop();
        }
      });
    }

    await t.step(
      "an untrusted server is refused; doing what the error says lets it in",
      async () => {
        const pki = `${dir}/gw-untrusted`;
        const rig = await startRig({
          ...base,
          // On a busy machine an attempt can still be running when the file is moved, and it
          // wrote the certificate back to rejected/ (node-opcua ranks rejected first): the
          // gateway now drops such a copy (actors/opcua/pki.ts), which this step checks.
          reconnect: { initial_ms: 100, max_ms: 1000 },
          security_policy: "Basic256Sha256",
          security_mode: "SignAndEncrypt",
          auth: USER,
          pki_dir: pki,
        });
        try {
          const reason = await eventually("refused", () => {
            const s = rig.status();
            return s.state === "degraded" && /not trusted/.test(s.reason ?? "")
              ? s.reason
              : undefined;
          });
          const m = /move (\S+) to (\S+)\/ /.exec(reason!);
          assert.ok(m, `the reason names a file and a folder: ${reason}`);
          const [, file, folder] = m;
          assert.ok(file.startsWith(`${pki}/rejected/`), file);
          assert.equal(folder, `${pki}/trusted/certs`);
          // The state reaches the supervisor before the sample reaches the sink.
          const bad = await eventually("the tag marked bad", async () => {
            const s = (await rig.dump())["c2/temperature"]?.samples.at(-1);
            return s?.quality === "bad" ? s : undefined;
          });
          assert.match(bad.reason ?? "", /not trusted/);
          await Deno.rename(file, `${folder}/${basename(file)}`);
          await goodTemperature(rig);
          assert.equal(rig.status().restarts, 0);
        } finally {
          await rig.stop();
        }
      },
    );

    await t.step("trust on first use takes the first certificate and keeps it", async () => {
      const pki = `${dir}/gw-tofu`;
      const rig = await startRig({
        ...base,
        security_policy: "Basic256Sha256",
        security_mode: "SignAndEncrypt",
        trust_on_first_use: true,
        pki_dir: pki,
      });
      try {
        await goodTemperature(rig);
        const trusted = [...Deno.readDirSync(`${pki}/trusted/certs`)];
        assert.equal(trusted.length, 1);
      } finally {
        await rig.stop();
      }
    });

    await t.step(
      "an X.509 user certificate (made by openssl); the wrong key is refused",
      async () => {
        const openssl = async (name: string) => {
          const [cert, key] = [`${dir}/${name}_cert.pem`, `${dir}/${name}_key.pem`];
          const made = await new Deno.Command("openssl", {
            args: [
              ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert],
              ...["-days", "2", "-subj", `/CN=${name}`, "-addext", "keyUsage=digitalSignature"],
            ],
            // node-opcua (in the gateway's workers) sets OPENSSL_CONF for the whole process.
            clearEnv: true,
            env: { PATH: Deno.env.get("PATH") ?? "/usr/bin" },
            stdout: "null",
            stderr: "piped",
          }).output();
          assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
          return { cert, key };
        };
        const [user, other] = [await openssl("operator"), await openssl("other")];
        const run = (key: string) =>
          startRig({
            ...base,
            security_policy: "Aes256_Sha256_RsaPss",
            security_mode: "SignAndEncrypt",
            auth: { type: "certificate", certificate: user.cert, private_key: key },
            pki_dir: `${dir}/gw-Aes256_Sha256_RsaPss`,
          });
        const rig = await run(user.key);
        try {
          await goodTemperature(rig);
        } finally {
          await rig.stop();
        }
        const wrong = await run(other.key);
        try {
          await refusedBecause(wrong, /the server refused the user \(Bad/);
        } finally {
          await wrong.stop();
        }
      },
    );

    await t.step(
      "a wrong password: degraded, and the reason says the user was refused",
      async () => {
        const rig = await startRig({
          ...base,
          security_policy: "Basic256Sha256",
          security_mode: "SignAndEncrypt",
          auth: { ...USER, password: "wrong" },
          pki_dir: `${dir}/gw-Basic256Sha256`,
        });
        try {
          await refusedBecause(rig, /the server refused the user \(.*BadUserAccessDenied/);
        } finally {
          await rig.stop();
        }
      },
    );
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
