// Throwaway PostgreSQL and InfluxDB 1.x servers that speak TLS only, with a certificate from a
// local CA (see local_ca.ts): PostgreSQL from Debian's binaries (run as the postgres user, host
// connections over TLS only), InfluxDB with https-enabled.
import { freePort } from "./net.ts";
import type { LocalCa } from "./local_ca.ts";

const PG_BIN = (() => {
  for (const v of ["17", "16", "15", "14", "13"]) {
    try {
      Deno.statSync(`/usr/lib/postgresql/${v}/bin/initdb`);
      return `/usr/lib/postgresql/${v}/bin`;
    } catch { /* not this version */ }
  }
  return "/usr/lib/postgresql/15/bin";
})();

async function run(cmd: string[], cwd?: string): Promise<void> {
  // A clean environment: a library loaded in the test process may have set OPENSSL_CONF.
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    stderr: "piped",
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  }).output();
  if (!out.success) throw new Error(`${cmd.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

export interface TlsServer {
  port: number;
  stop(): Promise<void>;
}

/** PostgreSQL on localhost:port, TLS only (hostssl, trust), user postgres, database postgres. */
export async function tlsPostgres(ca: LocalCa): Promise<TlsServer & { socketDir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "pg-tls-" });
  const port = freePort();
  const data = `${dir}/data`;
  await Deno.copyFile(ca.cert, `${dir}/server.crt`);
  await Deno.copyFile(ca.key, `${dir}/server.key`);
  await Deno.chmod(`${dir}/server.key`, 0o600);
  await run(["chown", "-R", "postgres:postgres", dir]);
  const asPg = (...cmd: string[]) => run(["runuser", "-u", "postgres", "--", ...cmd]);
  await asPg(`${PG_BIN}/initdb`, "-D", data, "-A", "trust", "-U", "postgres", "--no-sync");
  await Deno.writeTextFile(
    `${data}/pg_hba.conf`,
    "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n",
  );
  await asPg(
    `${PG_BIN}/pg_ctl`,
    "-D",
    data,
    "-w",
    "-l",
    `${dir}/log`,
    "-o",
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c ssl=on ` +
      `-c ssl_cert_file=${dir}/server.crt -c ssl_key_file=${dir}/server.key -c fsync=off`,
    "start",
  );
  return {
    port,
    socketDir: dir,
    async stop() {
      await asPg(`${PG_BIN}/pg_ctl`, "-D", data, "-m", "immediate", "stop").catch(() => {});
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** InfluxDB 1.x on https://localhost:port. */
export async function tlsInfluxdb(ca: LocalCa): Promise<TlsServer> {
  const dir = await Deno.makeTempDir({ prefix: "influx-tls-" });
  const [port, rpc] = [freePort(), freePort()];
  await Deno.writeTextFile(
    `${dir}/influxdb.conf`,
    [
      "reporting-disabled = true",
      `bind-address = "127.0.0.1:${rpc}"`,
      "[meta]",
      `  dir = "${dir}/meta"`,
      "[data]",
      `  dir = "${dir}/data"`,
      `  wal-dir = "${dir}/wal"`,
      "[http]",
      `  bind-address = "127.0.0.1:${port}"`,
      "  https-enabled = true",
      `  https-certificate = "${ca.cert}"`,
      `  https-private-key = "${ca.key}"`,
      "  log-enabled = false",
      "",
    ].join("\n"),
  );
  const child = new Deno.Command("influxd", {
    args: ["-config", `${dir}/influxdb.conf`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0;; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (err) {
      if (i > 200) throw new Error(`influxd did not listen on ${port}: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    async stop() {
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}
