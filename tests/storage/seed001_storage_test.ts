// Seed 001 from config alone, storage half: MQTT messages {"temperature":296,"humidity":709} on
// /neuron/demo_app/demo/demo_group → rows in conditions(time, temperature, humidity), read back
// with psql. Bad messages on the same topic are dead-lettered with the reason; the rest flows.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { psql } from "../helpers/psql.ts";

const CONFIG = new URL("../fixtures/seeds/seed001_storage.jsonc", import.meta.url).pathname;
// The seed's topic shape under a prefix of this run's own, so no other test's messages mix in.
const PREFIX = `/neuron_${crypto.randomUUID().slice(0, 8)}`;
const TOPIC = `${PREFIX}/demo_app/demo/demo_group`;

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (out.code !== 0) throw new Error(`${cmd}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}
/** Publishes at QoS 1 with mosquitto_pub; `what` is ["-m", text] or ["-f", file]. */
const pub = (what: string[]) =>
  run("mosquitto_pub", ["-h", "127.0.0.1", "-q", "1", "-t", TOPIC, ...what]);
const publish = (payload: string) => pub(["-m", payload]);

Deno.test("seed 001 storage: JSON on /neuron/demo_app/demo/demo_group becomes rows of conditions", async () => {
  const table = `conditions_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const data = await Deno.makeTempDir();
  const api = freePort();
  // The seed's step 3: the user creates `conditions` by hand (no key); the sink adds its key on time.
  await psql(
    `CREATE TABLE ${table} (time TIMESTAMPTZ NOT NULL, temperature DOUBLE PRECISION NULL, humidity DOUBLE PRECISION NULL)`,
  );
  const gw = new GatewayProcess(CONFIG, api, {
    TAGFLOW_API_PORT: String(api),
    TAGFLOW_PG_URL: "postgres://postgres@127.0.0.1:5432/test",
    TAGFLOW_DATA: data,
    SEED001_TABLE: table,
    SEED001_TOPIC: `${PREFIX}/demo_app/+/+`,
  });
  try {
    await eventually(
      "/ready 200",
      async () => (await gw.get("/ready")).status === 200 || undefined,
    );
    const sent = [[296, 709], [281, 700], [309, 729], [300, 715], [288, 722]];
    for (const [t, h] of sent) {
      await publish(JSON.stringify({ temperature: t, humidity: h }));
      // Paces the publisher on purpose (not a wait for anything): rows are keyed by arrival
      // time, so each message arrives at a time of its own and makes a row of its own.
      await new Promise((r) => setTimeout(r, 5));
    }
    await publish("not json at all");
    const blob = await Deno.makeTempFile();
    await Deno.writeTextFile(blob, `{"blob":"${"x".repeat(1 << 20)}"}`); // 1 MB, too long for an argument
    await pub(["-f", blob]);
    await publish(JSON.stringify({ temperature: { celsius: 290 } }));
    await publish(JSON.stringify({ temperature: 290, humidity: 710 }));
    const rows = await eventually("six rows", async () => {
      const r = await psql(`SELECT temperature || ',' || humidity FROM ${table} ORDER BY time`)
        .catch(() => "");
      return r.split("\n").filter(Boolean).length >= 6 ? r : undefined;
    });
    assert.deepEqual(rows.split("\n"), [...sent, [290, 710]].map(([t, h]) => `${t},${h}`));
    const letters = (await Deno.readTextFile(`${data}/buffer/neuron_in/dead_letter.jsonl`)).trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const reasons = letters.slice(-3).map((l) => l.reason);
    assert.match(reasons.shift(), /^not JSON/);
    assert.match(reasons.shift(), /^payload of 1048587 bytes is over max_payload_bytes 65536/);
    assert.match(
      reasons[0],
      /^field temperature: expected a number, string or boolean, got \{"celsius":290\}/,
    );
    const status = (await gw.get("/api/actors")).body as {
      id: string;
      counters: Record<string, number>;
    }[];
    await eventually("dead letters counted", async () => {
      const s = ((await gw.get("/api/actors")).body as typeof status).find((a) =>
        a.id === "neuron_in"
      )!;
      return s.counters.dead_lettered >= 3 || undefined;
    });
  } finally {
    const { code } = await gw.stop();
    assert.equal(code, 0);
    await psql(`DROP TABLE IF EXISTS ${table}`);
  }
});
