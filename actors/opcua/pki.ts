import { OPCUACertificateManager } from "node-opcua";
import { basename, join, resolve } from "node:path";
import type { OpcuaDeviceConfig } from "./config.ts";

/** The gateway's PKI folder for one connection attempt. */
export interface Pki {
  manager: OPCUACertificateManager;
  root: string;
  /** True when this attempt accepts an unknown server certificate (trust on first use). */
  trustingFirst: boolean;
}

function files(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isFile);
  } catch {
    return [];
  }
}

/**
 * Opens the PKI for a connection attempt: copies the configured server certificates into
 * trusted/certs, and accepts an unknown server certificate only under trust-on-first-use while
 * nothing is trusted yet. A fresh manager each attempt sees certificates an operator moved since.
 */
export async function openPki(cfg: OpcuaDeviceConfig): Promise<Pki> {
  const root = resolve(cfg.pki_dir);
  const trusted = join(root, "trusted", "certs");
  Deno.mkdirSync(trusted, { recursive: true });
  for (const file of cfg.trusted_certificates) {
    try {
      Deno.copyFileSync(file, join(trusted, basename(file)));
    } catch (err) {
      throw new Error(
        `Cannot trust ${file}: ${(err as Error).message} (trusted_certificates lists it)`,
      );
    }
  }
  forgetRejectedCopies(root, trusted);
  const trustingFirst = cfg.trust_on_first_use && files(trusted).length === 0;
  const manager = new OPCUACertificateManager({
    rootFolder: root,
    automaticallyAcceptUnknownCertificate: trustingFirst,
    disableFileWatchers: true,
  });
  await manager.initialize();
  return { manager, root, trustingFirst };
}

/**
 * Removes from rejected/ each certificate that is also in trusted/certs (same file name, same
 * bytes): the operator's trust wins. node-opcua counts a certificate in both folders as rejected,
 * and an attempt still running while the operator moves the file writes it to rejected/ again, so
 * the server would stay refused after doing what the error said.
 */
function forgetRejectedCopies(root: string, trusted: string): void {
  const rejected = join(root, "rejected");
  const trustedNames = new Set(files(trusted).map((e) => e.name));
  for (const e of files(rejected)) {
    if (!trustedNames.has(e.name)) continue;
    const copy = join(rejected, e.name);
    const a = Deno.readFileSync(copy), b = Deno.readFileSync(join(trusted, e.name));
    if (a.length === b.length && a.every((x, i) => x === b[i])) Deno.removeSync(copy);
  }
}

/** The newest file in the PKI's rejected folder: where a refused server certificate went. */
function newestRejected(root: string): string | undefined {
  const dir = join(root, "rejected");
  let best: { path: string; at: number } | undefined;
  for (const e of files(dir)) {
    const path = join(dir, e.name);
    const at = Deno.statSync(path).mtime?.getTime() ?? 0;
    if (!best || at >= best.at) best = { path, at };
  }
  return best?.path;
}

/**
 * Says what to do about a server certificate the gateway refused: which file to move where, or
 * how to trust it by config, rather than the library's bare status code.
 */
export function untrustedAdvice(root: string, endpoint: string): string {
  const file = newestRejected(root);
  const trusted = join(root, "trusted", "certs");
  const what = file ? `move ${file} to ${trusted}/` : `put its certificate in ${trusted}/`;
  return `Cannot connect to ${endpoint}: the server's certificate is not trusted ` +
    `(BadCertificateUntrusted). If this is the right server, ${what} ` +
    `(or list the file in trusted_certificates); the gateway retries and picks it up.`;
}

/** True when an error from node-opcua means the server certificate was refused. */
export function isUntrusted(err: unknown): boolean {
  return /BadCertificate(Untrusted|ChainIncomplete|Invalid)|server Certificate verification failed/
    .test((err as Error)?.message ?? String(err));
}
