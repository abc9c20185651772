import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";

/** Message i's time; its value is i. */
export const BASE_TS = 1_700_000_000_000;

/**
 * Two gateways sharing one stream as a group, each storing what it takes into one PostgreSQL
 * table: `source(member)` is each one's source config. Starts them, kills and restarts one,
 * and counts what the table holds.
 */
export async function groupIntoTable(
  id: string,
  source: (member: string, dir: string) => Record<string, unknown>,
) {
  const data = await Deno.makeTempDir();
  const members = ["a", "b"].map((m) => ({ name: m, api: freePort(), file: `${data}/${m}.json` }));
  for (const m of members) {
    await Deno.writeTextFile(
      m.file,
      JSON.stringify({
        gateway: { name: `${id}-${m.name}` },
        api: { port: m.api },
        devices: { meter: source(m.name, `${data}/${m.name}-meter`) },
        sinks: {
          db: {
            kind: "timescaledb",
            url: "postgres://postgres@127.0.0.1:5432/test",
            table: id,
            batch: { max_samples: 200, max_linger_ms: 10 },
            buffer: { dir: `${data}/${m.name}-db`, fsync: "always" },
          },
        },
      }),
    );
  }
  const gateways = members.map((m) => new GatewayProcess(m.file, m.api));
  const running = (k: number) =>
    eventually(`gateway ${members[k].name}'s source running`, async () => {
      const actors = (await gateways[k].get("/api/actors")).body as {
        id: string;
        state: string;
      }[];
      return actors.find((a) => a.id === "meter")?.state === "running" || undefined;
    });
  return {
    gateways,
    running,
    /** kill -9 of member k, then starts it again. */
    async killAndRestart(k: number): Promise<void> {
      gateways[k].child.kill("SIGKILL");
      await gateways[k].child.status;
      await gateways[k].output;
      gateways[k] = new GatewayProcess(members[k].file, members[k].api);
    },
    /** Once the table holds `total` rows: rows, distinct values, least and greatest. */
    stored: (total: number) =>
      eventually(`${total} rows in ${id}`, async () => {
        const [rows, distinct, min, max] = (await psql(
          `SELECT count(*), count(DISTINCT value), min(value), max(value) FROM ${id}`,
        )).split("|").map(Number);
        if (rows < total) throw new Error(`${rows} rows`);
        return { rows, distinct, min, max };
      }, 90_000),
    /** Rows whose time is not BASE_TS + value. */
    misdated: async () =>
      Number(
        await psql(
          `SELECT count(*) FROM ${id} WHERE extract(epoch from time) * 1000 - ${BASE_TS} <> value`,
        ),
      ),
    async cleanup(): Promise<void> {
      for (const gw of gateways) await gw.stop();
      await psql(`DROP TABLE IF EXISTS ${id}`);
      await Deno.remove(data, { recursive: true });
    },
  };
}
