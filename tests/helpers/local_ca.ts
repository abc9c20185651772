// A certificate authority made for a test with openssl: its certificate, and a server
// certificate it signed for localhost and 127.0.0.1 (PEM files in a temp dir).

const openssl = async (dir: string, ...args: string[]) => {
  // A clean environment: a library loaded in the test process may have set OPENSSL_CONF.
  const out = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stderr: "piped",
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  }).output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
  }
};

export interface LocalCa {
  dir: string;
  /** The CA's certificate: what a client trusts. */
  ca: string;
  /** The server's certificate and key (CN localhost; SAN localhost, 127.0.0.1). */
  cert: string;
  key: string;
}

/** Makes a CA and a server certificate it signed; `name` tells two CAs apart in errors. */
export async function localCa(name = "Tagflow test CA"): Promise<LocalCa> {
  const dir = await Deno.makeTempDir({ prefix: "ca-" });
  await openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-subj",
    `/CN=${name}`,
  );
  await openssl(
    dir,
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  );
  await Deno.writeTextFile(`${dir}/san.ext`, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await openssl(
    dir,
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    "server.pem",
    "-extfile",
    "san.ext",
  );
  return { dir, ca: `${dir}/ca.pem`, cert: `${dir}/server.pem`, key: `${dir}/server.key` };
}

/** A client certificate the CA signed for `name` (CN), for brokers that ask for one. */
export async function clientCert(
  ca: LocalCa,
  name: string,
): Promise<{ cert: string; key: string }> {
  const base = `client-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  await openssl(
    ca.dir,
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${base}.key`,
    "-out",
    `${base}.csr`,
    "-subj",
    `/CN=${name}`,
  );
  await openssl(
    ca.dir,
    "x509",
    "-req",
    "-in",
    `${base}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    `${base}.pem`,
  );
  return { cert: `${ca.dir}/${base}.pem`, key: `${ca.dir}/${base}.key` };
}
