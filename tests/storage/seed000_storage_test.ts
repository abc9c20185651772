// Seed 000 from config alone, storage half: compressor JSON on remote_plant_1/<compressor> →
// InfluxDB, raw (raw_data) and modelled (compressor: temperature, run_status), read back by query.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

const CONFIG = new URL("../fixtures/seeds/seed000_storage.jsonc", import.meta.url).pathname;

async function query(db: string, q: string) {
  // Times as µs since the epoch (the sink writes µs here).
  const res = await fetch(
    `http://127.0.0.1:8086/query?${new URLSearchParams({ db, q, epoch: "u" })}`,
  );
  return (await res.json()).results[0].series?.[0]?.values as unknown[][] | undefined;
}

Deno.test("seed 000 storage: compressor JSON → InfluxDB raw and modelled", async () => {
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  const [db, topic, api] = [`balena_${id}`, `remote_plant_${id}`, freePort()];
  const gw = new GatewayProcess(CONFIG, api, {
    TAGFLOW_API_PORT: String(api),
    TAGFLOW_DATA: await Deno.makeTempDir(),
    SEED000_DB: db,
    SEED000_TOPIC: topic,
  });
  try {
    await eventually(
      "/ready 200",
      async () => (await gw.get("/ready")).status === 200 || undefined,
    );
    const sent = [["compressor1", 73.44, true], ["compressor2", 68.8, false], [
      "compressor1",
      74.08,
      true,
    ]] as const;
    for (const [compressor, temperature, run_status] of sent) {
      const out = await new Deno.Command("mosquitto_pub", {
        args: [
          "-h",
          "127.0.0.1",
          "-q",
          "1",
          "-t",
          `${topic}/${compressor}`,
          "-m",
          JSON.stringify({ temperature, run_status }),
        ],
      }).output();
      assert.equal(out.code, 0);
      // Paces the publisher on purpose (not a wait for anything): points are timed by arrival, so
      // compressor1's two messages arrive apart and make two points, not one overwritten.
      await new Promise((r) => setTimeout(r, 5));
    }
    const modelled = await eventually("three modelled points", async () => {
      const v = await query(
        db,
        `SELECT temperature, run_status, device FROM compressor ORDER BY time`,
      );
      return v && v.length === 3 ? v : undefined;
    });
    // In time order (InfluxDB 1.x may hand the two series back one after the other).
    modelled.sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(modelled.map((r) => r.slice(1)), [[73.44, 1, "compressor1"], [
      68.8,
      0,
      "compressor2",
    ], [74.08, 1, "compressor1"]]);
    const raw = await eventually("six raw points", async () => {
      const v = await query(db, `SELECT raw FROM raw_data ORDER BY time`);
      return v && v.length === 6 ? v : undefined;
    });
    const samples = raw.map((r) => JSON.parse(r[1] as string));
    const first = samples.find((p) => p.path === "compressor1/temperature" && p.value === 73.44);
    assert.ok(first, JSON.stringify(samples));
    assert.equal(first.quality, "good");
    assert.equal(samples.filter((p) => p.path.endsWith("/run_status")).length, 3);
  } finally {
    assert.equal((await gw.stop()).code, 0);
    await fetch("http://127.0.0.1:8086/query", {
      method: "POST",
      body: new URLSearchParams({ q: `DROP DATABASE "${db}"` }),
    })
      .then((r) => r.body?.cancel());
  }
});
