/** Runs SQL in database `test` with Debian's psql (an independent client); unaligned output. */
export async function psql(sql: string): Promise<string> {
  const out = await new Deno.Command("psql", {
    args: ["-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-At", "-c", sql],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(`psql: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}
