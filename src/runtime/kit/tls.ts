/** TLS settings of a client: files to trust and to present, and the name to check. */
export interface TlsFiles {
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  server_name?: string;
}

/** Node TLS options (as mqtt.js and pg take them) from the files; the peer is always checked. */
export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: true;
}

/** Reads the files a TLS config names; a file that cannot be read is an error naming it. */
export async function tlsOptions(tls: TlsFiles | undefined): Promise<TlsOptions> {
  const read = async (what: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return await Deno.readTextFile(path);
    } catch (err) {
      throw new Error(`Cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
    }
  };
  const out: TlsOptions = { rejectUnauthorized: true };
  // One after the other: the first unreadable file in this order is the one the error names.
  const ca = await read("CA file", tls?.ca_file);
  const cert = await read("certificate file", tls?.cert_file);
  const key = await read("key file", tls?.key_file);
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  if (tls?.server_name) out.servername = tls.server_name;
  return out;
}

/** The files a TLS config names, for the worker's read permission. */
export function tlsFiles(tls: TlsFiles | undefined): string[] {
  return [tls?.ca_file, tls?.cert_file, tls?.key_file].filter((f): f is string => !!f);
}
